import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUrl, IsUUID, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { AttachmentRef } from '../common/attachment-ref';
import { ChannelTypes, type ChannelType } from '../common/channel-type';
import { defineEvent, defineRequest } from '../envelope/message-definition';

/** A contact's identity in one messenger: the same person can write from several channels. */
export class MessengerIdentity {
  @IsUUID()
  channelId!: string;

  @IsIn(ChannelTypes)
  channelType!: ChannelType;

  /** The id the messenger gives the customer (VK user id, Viber user id, PSID, …). */
  @IsString()
  @MinLength(1)
  externalUserId!: string;
}

export class ResolveContact {
  @ValidateNested()
  @Type(() => MessengerIdentity)
  identity!: MessengerIdentity;

  /** Profile hints the gateway already has; when absent the contact service asks the gateway (`fetch-profile`). */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  displayName?: string;

  @IsOptional()
  @IsUrl({ require_tld: false })
  avatarUrl?: string;
}

export class ContactResolution {
  @IsUUID()
  contactId!: string;

  /** True when this call created the contact. */
  @IsBoolean()
  created!: boolean;
}

export const ResolveContactV1 = defineRequest({
  kind: 'command',
  type: 'ResolveContact',
  version: 1,
  subject: 'parley.contact-service.resolve.v1',
  data: ResolveContact,
  reply: ContactResolution,
  description: 'Finds the contact of a messenger identity, creating it (and fetching its profile) on first contact. Idempotent.',
});

export class ContactView {
  @IsUUID()
  id!: string;

  /** Name from the messenger profile; a placeholder like `VK user 42` until the profile is known. */
  @IsString()
  displayName!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => AttachmentRef)
  avatar?: AttachmentRef;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MessengerIdentity)
  identities!: MessengerIdentity[];

  @IsString()
  createdAt!: string;
}

export class GetContact {
  @IsUUID()
  contactId!: string;
}

export const GetContactV1 = defineRequest({
  kind: 'query',
  type: 'GetContact',
  version: 1,
  subject: 'parley.contact-service.get.v1',
  data: GetContact,
  reply: ContactView,
  description: 'A contact with its identities and profile. NOT_FOUND when unknown.',
});

export class ContactResolved {
  @IsUUID()
  contactId!: string;

  @ValidateNested()
  @Type(() => MessengerIdentity)
  identity!: MessengerIdentity;

  @IsBoolean()
  created!: boolean;

  @IsString()
  displayName!: string;
}

export const ContactResolvedV1 = defineEvent({
  type: 'ContactResolved',
  version: 1,
  subject: 'parley.contact.contact-resolved.v1',
  data: ContactResolved,
  description: 'A messenger identity was linked to a contact for the first time (a new contact, or a new identity of one).',
});

export class ContactProfileUpdated {
  @IsUUID()
  contactId!: string;

  @IsString()
  displayName!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => AttachmentRef)
  avatar?: AttachmentRef;
}

export const ContactProfileUpdatedV1 = defineEvent({
  type: 'ContactProfileUpdated',
  version: 1,
  subject: 'parley.contact.profile-updated.v1',
  data: ContactProfileUpdated,
  description: "The contact's name or avatar changed (e.g. fetched from the messenger profile).",
});
