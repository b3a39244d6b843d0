import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Contacts, their messenger identities (unique per channel + external id) (the event outbox is the service kit's `outboxMigration`). */
export class ContactSchemaMigration implements MigrationInterface {
  name = 'ContactSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE contact.contacts (
      id               uuid PRIMARY KEY,
      display_name     text NOT NULL,
      name_source      text NOT NULL CHECK (name_source IN ('placeholder', 'hint', 'profile')),
      avatar           jsonb NULL,
      profile_status   text NOT NULL CHECK (profile_status IN ('pending', 'fetched', 'not_needed')),
      profile_fetched_at timestamptz NULL,
      created_at       timestamptz NOT NULL DEFAULT now(),
      updated_at       timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE contact.identities (
      channel_id       uuid NOT NULL,
      external_user_id text NOT NULL,
      channel_type     text NOT NULL,
      contact_id       uuid NOT NULL REFERENCES contact.contacts (id) DEFERRABLE INITIALLY DEFERRED,
      created_at       timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT identities_pkey PRIMARY KEY (channel_id, external_user_id)
    )`);
    await q.query('CREATE INDEX identities_contact_idx ON contact.identities (contact_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE contact.identities');
    await q.query('DROP TABLE contact.contacts');
  }
}
