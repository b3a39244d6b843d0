import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  CommonErrorCodes,
  ContactProfileUpdatedV1,
  ContactResolvedV1,
  GatewayRequestsByType,
  ParleyError,
  causedBy,
  createEnvelope,
  type ContactResolved,
  type Envelope,
} from '@parley/contracts';
import { OnEvent, RequestClient, type DeliveryContext } from '@parley/messaging';
import { ContactServiceConfig } from '../contact-service.config';
import { OutboxRelay, OutboxWriter } from '@parley/service-kit';
import { profileName } from './contact-profile.rules';
import { ContactRepository } from './contact.repository';

/** Durable consumer name: the fetch survives a crash between the resolve and the look-up. */
export const PROFILE_FETCH_DURABLE = 'contact-service-profile-fetch';

/**
 * Fetches the messenger profile of new contacts from their channel's gateway (`fetch-profile`, which also copies
 * the avatar into the attachment store) by consuming the service's own `ContactResolved` events. A gateway that
 * is down or slow fails the attempt and JetStream redelivers it with exponential backoff (1 s, 2 s, 4 s … 60 s,
 * 10 attempts); a permanent refusal (channel deleted, credentials revoked) is dead-lettered and the contact keeps
 * its placeholder name.
 */
@Injectable()
export class ProfileFetchHandler {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ContactRepository) private readonly contacts: ContactRepository,
    @Inject(OutboxWriter) private readonly outbox: OutboxWriter,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(RequestClient) private readonly requests: RequestClient,
    @Inject(ContactServiceConfig) private readonly config: ContactServiceConfig,
  ) {}

  @OnEvent(ContactResolvedV1, {
    durable: PROFILE_FETCH_DURABLE,
    maxAttempts: 10,
    backoff: { initialMs: 1_000, multiplier: 2, maxMs: 60_000 },
    concurrency: 8,
    partitionKey: (e) => e.data.contactId,
  })
  async fetchProfile(envelope: Envelope<ContactResolved, 'ContactResolved'>, _delivery: DeliveryContext): Promise<void> {
    const { contactId, identity } = envelope.data;
    const contact = await this.contacts.findById(contactId);
    if (!contact) throw new ParleyError(CommonErrorCodes.NOT_FOUND, `contact ${contactId} not found`);
    if (contact.profileStatus !== 'pending') return;

    const profile = await this.requests.request(
      GatewayRequestsByType[identity.channelType].fetchProfile,
      { channelId: identity.channelId, externalUserId: identity.externalUserId },
      causedBy(envelope),
      { timeoutMs: this.config.PROFILE_FETCH_TIMEOUT_MS },
    );
    const name = profileName(profile.displayName);
    const stored = await this.dataSource.transaction(async (manager) => {
      const after = await this.contacts.storeFetchedProfile(manager, contactId, {
        ...(name === undefined ? {} : { displayName: name }),
        ...(profile.avatar ? { avatar: profile.avatar } : {}),
      });
      if (!after) return false;
      const event = createEnvelope(
        ContactProfileUpdatedV1,
        { contactId, displayName: after.displayName, ...(after.avatar ? { avatar: after.avatar } : {}) },
        causedBy(envelope),
      );
      await this.outbox.add(manager, ContactProfileUpdatedV1, event);
      return true;
    });
    if (stored) this.relay.kick();
  }
}
