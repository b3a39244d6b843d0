import { Inject, Injectable } from '@nestjs/common';
import { ResolveContactV1, type Causation, type ChannelType } from '@parley/contracts';
import { RequestClient } from '@parley/messaging';

export interface ContactIdentity {
  channelId: string;
  channelType: ChannelType;
  externalUserId: string;
  displayName?: string;
  avatarUrl?: string;
}

/** Asks the contact-service for the contact of a messenger identity (creating it on first contact). */
@Injectable()
export class ContactResolver {
  constructor(@Inject(RequestClient) private readonly requests: RequestClient) {}

  async resolve(identity: ContactIdentity, causation: Causation): Promise<string> {
    const { displayName, avatarUrl, ...messenger } = identity;
    const reply = await this.requests.request(
      ResolveContactV1,
      {
        identity: messenger,
        ...(displayName === undefined ? {} : { displayName }),
        ...(avatarUrl === undefined ? {} : { avatarUrl }),
      },
      causation,
    );
    return reply.contactId;
  }
}
