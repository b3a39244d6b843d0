import { GraphApiError } from './meta-fake.errors';
import type { AccountState, MetaFakeStore } from './meta-fake.store';

/** `GET /{id}`: the token's own page / Instagram account, or the profile of a user who wrote to it (else 100/33). */
export function readObject(store: MetaFakeStore, account: AccountState, first: string, fields: string[], now: number): Record<string, unknown> {
  const own = first === 'me' || first === account.config.id;
  if (own) {
    const all = account.platform === 'page'
      ? { id: account.config.id, name: account.config.name }
      : { id: account.config.id, user_id: account.config.id, username: account.config.name, name: account.config.name };
    return pick(all, fields);
  }
  const user = store.users.get(first);
  if (!user || !account.knownUsers.has(first)) throw new GraphApiError(100, 33);
  const pic = `${store.baseUrl}${store.picturePath(user.id)}?stp=dst-jpg&oe=${(Math.floor(now / 1000) + 3 * 86400).toString(16)}`;
  const all = account.platform === 'page'
    ? { id: user.id, first_name: user.firstName, last_name: user.lastName, profile_pic: pic }
    : { id: user.id, name: `${user.firstName} ${user.lastName}`, username: `${user.firstName}.${user.lastName}`.toLowerCase(), profile_pic: pic };
  return pick(all, fields);
}

/** `GET|POST|DELETE /{id}/subscribed_apps`: the webhook fields the app receives for this account. */
export function subscribedApps(method: string, account: AccountState, query: URLSearchParams, body: Buffer, contentType: string | undefined): unknown {
  if (method === 'GET') return { data: account.subscribedFields.size ? [{ id: account.config.appId, name: 'Parley (fake app)', subscribed_fields: [...account.subscribedFields] }] : [] };
  if (method === 'DELETE') {
    account.subscribedFields.clear();
    return { success: true };
  }
  const form = (contentType ?? '').startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(body.toString('utf8')) : undefined;
  const raw = query.get('subscribed_fields') ?? form?.get('subscribed_fields') ?? '';
  const known = ['messages', 'messaging_postbacks', 'messaging_optins', 'message_deliveries', 'message_reads', 'message_echoes', 'message_reactions', 'messaging_seen', 'messaging_handovers', 'standby', 'messaging_referral'];
  const fields = raw.split(',').map((f) => f.trim()).filter(Boolean);
  if (fields.length === 0 || fields.some((f) => !known.includes(f))) throw new GraphApiError(100, undefined, '(#100) Param subscribed_fields must be one of the supported fields');
  for (const f of fields) account.subscribedFields.add(f);
  return { success: true };
}

function pick(all: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  if (fields.length === 0) return all;
  return Object.fromEntries(Object.entries(all).filter(([k]) => k === 'id' || fields.includes(k)));
}


