import type { DataSource, EntityManager } from 'typeorm';
import type { AttachmentRef, ChannelType, MessengerIdentity } from '@parley/contracts';
import type { NameSource, ProfileStatus } from './contact-profile.rules';

export interface ContactRecord {
  id: string;
  displayName: string;
  nameSource: NameSource;
  avatar: AttachmentRef | null;
  profileStatus: ProfileStatus;
  createdAt: Date;
  identities: MessengerIdentity[];
}

export interface NewContact {
  id: string;
  displayName: string;
  nameSource: NameSource;
  profileStatus: ProfileStatus;
  identity: MessengerIdentity;
}

export interface FetchedProfileChange {
  displayName?: string;
  avatar?: AttachmentRef;
}

interface ContactRow {
  id: string;
  display_name: string;
  name_source: NameSource;
  avatar: AttachmentRef | null;
  profile_status: ProfileStatus;
  created_at: Date;
}

interface IdentityRow {
  channel_id: string;
  channel_type: ChannelType;
  external_user_id: string;
}

/** Contacts and identities in the `contact` schema. I/O only: the rules live in contact-profile.rules.ts. */
export class ContactRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findContactIdByIdentity(channelId: string, externalUserId: string, manager: EntityManager = this.dataSource.manager): Promise<string | undefined> {
    const rows = (await manager.query(
      'SELECT contact_id FROM contact.identities WHERE channel_id = $1 AND external_user_id = $2',
      [channelId, externalUserId],
    )) as Array<{ contact_id: string }>;
    return rows[0]?.contact_id;
  }

  /**
   * Inserts the contact and its identity in one statement, unless the identity exists already (then nothing is
   * written). A concurrent insert of the same identity waits on the unique index and then writes nothing, so only
   * one caller ever gets `true`.
   */
  async insertIfIdentityAbsent(manager: EntityManager, contact: NewContact): Promise<boolean> {
    const { identity } = contact;
    const rows = (await manager.query(
      `WITH identity AS (
         INSERT INTO contact.identities (channel_id, external_user_id, channel_type, contact_id)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (channel_id, external_user_id) DO NOTHING
         RETURNING contact_id
       )
       INSERT INTO contact.contacts (id, display_name, name_source, profile_status)
       SELECT contact_id, $5, $6, $7 FROM identity
       RETURNING id`,
      [identity.channelId, identity.externalUserId, identity.channelType, contact.id, contact.displayName, contact.nameSource, contact.profileStatus],
    )) as Array<{ id: string }>;
    return rows.length === 1;
  }

  async findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<ContactRecord | undefined> {
    const rows = (await manager.query(
      'SELECT id, display_name, name_source, avatar, profile_status, created_at FROM contact.contacts WHERE id = $1',
      [id],
    )) as ContactRow[];
    const row = rows[0];
    if (!row) return undefined;
    const identities = (await manager.query(
      'SELECT channel_id, channel_type, external_user_id FROM contact.identities WHERE contact_id = $1 ORDER BY created_at, channel_id',
      [id],
    )) as IdentityRow[];
    return {
      id: row.id,
      displayName: row.display_name,
      nameSource: row.name_source,
      avatar: row.avatar,
      profileStatus: row.profile_status,
      createdAt: row.created_at,
      identities: identities.map((i) => ({ channelId: i.channel_id, channelType: i.channel_type, externalUserId: i.external_user_id })),
    };
  }

  /**
   * Stores a fetched profile if the contact is still waiting for one; returns the contact's name and avatar after
   * the change, or undefined when another delivery already stored it.
   */
  async storeFetchedProfile(
    manager: EntityManager,
    id: string,
    change: FetchedProfileChange,
  ): Promise<{ displayName: string; avatar: AttachmentRef | null } | undefined> {
    const rows = (await manager.query(
      `UPDATE contact.contacts
          SET display_name = COALESCE($2, display_name),
              name_source = CASE WHEN $2::text IS NULL THEN name_source ELSE 'profile' END,
              avatar = COALESCE($3::jsonb, avatar),
              profile_status = 'fetched',
              profile_fetched_at = now(),
              updated_at = now()
        WHERE id = $1 AND profile_status = 'pending'
        RETURNING display_name, avatar`,
      [id, change.displayName ?? null, change.avatar ? JSON.stringify(change.avatar) : null],
    )) as [Array<{ display_name: string; avatar: AttachmentRef | null }>, number];
    const row = rows[0][0];
    return row ? { displayName: row.display_name, avatar: row.avatar } : undefined;
  }
}
