import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import {
  CommonErrorCodes,
  ContactResolvedV1,
  GetContactV1,
  ParleyError,
  ResolveContactV1,
  causedBy,
  createEnvelope,
  type ContactResolution,
  type ContactView,
  type Envelope,
  type GetContact,
  type ResolveContact,
} from '@parley/contracts';
import { OnRequest } from '@parley/messaging';
import { OutboxRelay, OutboxWriter } from '@parley/service-kit';
import { initialProfile } from './contact-profile.rules';
import { ContactRepository, type ContactRecord } from './contact.repository';

export function toContactView(contact: ContactRecord): ContactView {
  return {
    id: contact.id,
    displayName: contact.displayName,
    ...(contact.avatar ? { avatar: contact.avatar } : {}),
    identities: contact.identities,
    createdAt: contact.createdAt.toISOString(),
  };
}

/** `contact-service.resolve` and `contact-service.get`. */
@Injectable()
export class ContactRequestsHandler {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ContactRepository) private readonly contacts: ContactRepository,
    @Inject(OutboxWriter) private readonly outbox: OutboxWriter,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
  ) {}

  /**
   * Finds or creates the contact of a messenger identity. Creating writes the contact, its identity and the
   * `ContactResolved` event (outbox) in one transaction; the profile is fetched later by the consumer of that
   * event, so this reply never waits for a messenger.
   */
  @OnRequest(ResolveContactV1)
  async resolve(envelope: Envelope<ResolveContact, 'ResolveContact'>): Promise<ContactResolution> {
    const { identity, displayName, avatarUrl } = envelope.data;
    const known = await this.contacts.findContactIdByIdentity(identity.channelId, identity.externalUserId);
    if (known) return { contactId: known, created: false };

    const profile = initialProfile(identity.channelType, identity.externalUserId, { displayName, avatarUrl });
    const contactId = uuidv7();
    const created = await this.dataSource.transaction(async (manager) => {
      const inserted = await this.contacts.insertIfIdentityAbsent(manager, { id: contactId, ...profile, identity });
      if (!inserted) return false;
      const event = createEnvelope(
        ContactResolvedV1,
        {
          contactId,
          identity: { channelId: identity.channelId, channelType: identity.channelType, externalUserId: identity.externalUserId },
          created: true,
          displayName: profile.displayName,
        },
        causedBy(envelope),
      );
      await this.outbox.add(manager, ContactResolvedV1, event);
      return true;
    });
    if (created) {
      this.relay.kick();
      return { contactId, created: true };
    }
    // A concurrent resolve of the same identity won the race; its contact is committed now.
    const winner = await this.contacts.findContactIdByIdentity(identity.channelId, identity.externalUserId);
    if (!winner) throw new ParleyError(CommonErrorCodes.UNAVAILABLE, 'contact identity vanished during resolve', { retryable: true });
    return { contactId: winner, created: false };
  }

  @OnRequest(GetContactV1)
  async get(envelope: Envelope<GetContact, 'GetContact'>): Promise<ContactView> {
    const contact = await this.contacts.findById(envelope.data.contactId);
    if (!contact) throw new ParleyError(CommonErrorCodes.NOT_FOUND, `contact ${envelope.data.contactId} not found`);
    return toContactView(contact);
  }
}
