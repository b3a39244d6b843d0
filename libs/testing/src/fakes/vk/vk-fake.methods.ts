import { VkApiError } from './vk-fake.errors';
import { checkGroupId, intParam, requiredInt, type VkMethodContext, type VkMethodHandler } from './vk-fake.params';
import type { CommunityState } from './vk-fake.store';
import type { VkAttachment, VkMessage } from './vk-fake.types';
import { uploadMethods } from './vk-fake.uploads';

const MAX_MESSAGE_LENGTH = 9000;

function groupsGetById(ctx: VkMethodContext): unknown {
  const wanted = ctx.params['group_ids'] ?? ctx.params['group_id'];
  const ids = wanted ? wanted.split(',').map((s) => s.trim()).filter(Boolean) : [String(ctx.community.config.id)];
  const groups = ids.map((ref) => {
    const community = [...ctx.store.communities.values()].find(
      (c) => String(c.config.id) === ref || (c.config.screenName ?? `club${c.config.id}`) === ref,
    );
    if (!community) throw new VkApiError(100, 'group_ids is undefined');
    const { id } = community.config;
    const photo = ctx.store.baseUrl + `/media/group/${id}.png`;
    return {
      id,
      name: community.config.name ?? `Community ${id}`,
      screen_name: community.config.screenName ?? `club${id}`,
      is_closed: 0,
      type: 'group',
      photo_50: photo,
      photo_100: photo,
      photo_200: photo,
    };
  });
  return { groups, profiles: [] };
}

/** `photo-1_2_key,doc-1_3` → attachment objects the community may send (its own uploads, or media it can see). */
function resolveAttachments(ctx: VkMethodContext, list: string | undefined): VkAttachment[] {
  if (!list) return [];
  return list.split(',').map((item) => {
    const m = /^(photo|doc)(-?\d+)_(\d+)(?:_([A-Za-z0-9]+))?$/.exec(item.trim());
    if (!m) throw new VkApiError(100, `attachment ${item} is invalid`);
    const [, type, owner, id, key] = m;
    const ref = `${owner}_${id}`;
    if (type === 'photo') {
      const photo = ctx.store.photos.get(ref);
      if (!photo || (key !== undefined && key !== photo.access_key)) throw new VkApiError(100, `attachment ${item} not found`);
      return { type: 'photo', photo };
    }
    const doc = ctx.store.docs.get(ref);
    if (!doc) throw new VkApiError(100, `attachment ${item} not found`);
    return { type: 'doc', doc };
  });
}

function messagesSend(ctx: VkMethodContext): unknown {
  const { params, community } = ctx;
  checkGroupId(ctx);
  const peerId = intParam(params, 'peer_id') ?? intParam(params, 'user_id');
  if (peerId === undefined) throw new VkApiError(100, 'peer_id is a required parameter');
  const randomIdRaw = params['random_id'];
  if (randomIdRaw === undefined || randomIdRaw === '') throw new VkApiError(100, 'random_id is a required parameter');
  if (!/^-?\d{1,19}$/.test(randomIdRaw) || BigInt(randomIdRaw) > 2n ** 63n - 1n || BigInt(randomIdRaw) < -(2n ** 63n)) {
    throw new VkApiError(100, 'random_id not integer');
  }
  const randomKey = BigInt(randomIdRaw).toString();
  // VK checks random_id over the whole history of the sender: a repeat is the same message, sent once.
  const known = randomKey === '0' ? undefined : community.randomIds.get(randomKey);
  if (known !== undefined) return known;

  const text = params['message'] ?? '';
  if ([...text].length > MAX_MESSAGE_LENGTH) throw new VkApiError(914);
  const attachments = resolveAttachments(ctx, params['attachment']);
  if (text === '' && attachments.length === 0) throw new VkApiError(100, 'message is empty or invalid');
  if (community.denied.has(peerId) || !community.reachable.has(peerId)) throw new VkApiError(901);

  const message = ctx.store.addMessage(community, {
    peerId,
    fromId: -community.config.id,
    out: 1,
    text,
    randomId: Number(randomKey),
    attachments,
  });
  if (randomKey !== '0') community.randomIds.set(randomKey, message.id);
  ctx.onCommunityMessage(community, message);
  return message.id;
}

function usersGet(ctx: VkMethodContext): unknown {
  const ids = (ctx.params['user_ids'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length > 1000) throw new VkApiError(100, 'user_ids is too long');
  const fields = new Set((ctx.params['fields'] ?? '').split(',').map((s) => s.trim()));
  const users = ids
    .map((raw) => (/^\d+$/.test(raw) ? ctx.store.users.get(Number(raw)) : undefined))
    .filter((u): u is NonNullable<typeof u> => u !== undefined);
  if (ids.length > 0 && users.length === 0) throw new VkApiError(113);
  return users.map((u) => ({
    id: u.id,
    first_name: u.firstName,
    last_name: u.lastName,
    can_access_closed: true,
    is_closed: false,
    ...(fields.has('photo_200') ? { photo_200: ctx.store.avatarUrl(u.id) } : {}),
  }));
}

/** Peers of a community's inbox with their messages, newest conversation first. */
function conversationsOf(community: CommunityState): { peerId: number; messages: VkMessage[] }[] {
  const byPeer = new Map<number, VkMessage[]>();
  for (const m of community.messages) byPeer.set(m.peer_id, [...(byPeer.get(m.peer_id) ?? []), m]);
  return [...byPeer.entries()]
    .map(([peerId, messages]) => ({ peerId, messages }))
    .sort((a, b) => (b.messages.at(-1)?.id ?? 0) - (a.messages.at(-1)?.id ?? 0));
}

function messagesGetConversations(ctx: VkMethodContext): unknown {
  checkGroupId(ctx);
  const count = intParam(ctx.params, 'count', { min: 0, max: 200, fallback: 20 }) ?? 20;
  const offset = intParam(ctx.params, 'offset', { min: 0, fallback: 0 }) ?? 0;
  const filter = ctx.params['filter'] ?? 'all';
  if (!['all', 'unread', 'important', 'unanswered'].includes(filter)) throw new VkApiError(100, 'filter is invalid');
  const community = ctx.community;
  const all = conversationsOf(community).map(({ peerId, messages }) => {
    const last = messages.at(-1) as VkMessage;
    const lastOut = [...messages].reverse().find((m) => m.out === 1);
    const unread = messages.filter((m) => m.out === 0 && m.id > (lastOut?.id ?? 0));
    const denied = community.denied.has(peerId);
    return {
      conversation: {
        peer: { id: peerId, type: peerId >= 2_000_000_000 ? 'chat' : 'user', local_id: peerId },
        last_message_id: last.id,
        last_conversation_message_id: last.conversation_message_id,
        in_read: lastOut?.id ?? 0,
        out_read: lastOut?.id ?? 0,
        ...(unread.length > 0 ? { unread_count: unread.length } : {}),
        is_marked_unread: false,
        important: false,
        unanswered: last.out === 0,
        can_write: denied ? { allowed: false, reason: 901 } : { allowed: true },
      },
      last_message: last,
    };
  });
  const filtered = all.filter((item) =>
    filter === 'unread' ? (item.conversation.unread_count ?? 0) > 0 : filter === 'unanswered' ? item.conversation.unanswered : filter === 'important' ? false : true,
  );
  const unreadTotal = all.filter((i) => (i.conversation.unread_count ?? 0) > 0).length;
  return { count: filtered.length, items: filtered.slice(offset, offset + count), ...(unreadTotal > 0 ? { unread_count: unreadTotal } : {}) };
}

/**
 * `messages.getHistory`: `rev=0` (default) newest first, `rev=1` oldest first. With `start_message_id`, the list
 * starts at that message (inclusive) and `offset` counts from there — the common use; VK's negative offsets are
 * not modelled.
 */
function messagesGetHistory(ctx: VkMethodContext): unknown {
  checkGroupId(ctx);
  const peerId = requiredInt(ctx.params, 'peer_id');
  const count = intParam(ctx.params, 'count', { min: 0, max: 200, fallback: 20 }) ?? 20;
  const offset = intParam(ctx.params, 'offset', { min: 0, fallback: 0 }) ?? 0;
  const rev = intParam(ctx.params, 'rev', { min: 0, max: 1, fallback: 0 }) ?? 0;
  const startId = intParam(ctx.params, 'start_message_id', { min: 0 });
  const all = ctx.community.messages.filter((m) => m.peer_id === peerId);
  const ordered = rev === 1 ? all : [...all].reverse();
  let from = 0;
  if (startId !== undefined && startId > 0) {
    const idx = ordered.findIndex((m) => (rev === 1 ? m.id >= startId : m.id <= startId));
    from = idx === -1 ? ordered.length : idx;
  }
  return { count: all.length, items: ordered.slice(from + offset, from + offset + count) };
}

export const vkMethods: Readonly<Record<string, VkMethodHandler>> = {
  'groups.getById': groupsGetById,
  'messages.send': messagesSend,
  'users.get': usersGet,
  'messages.getConversations': messagesGetConversations,
  'messages.getHistory': messagesGetHistory,
  ...uploadMethods,
};
