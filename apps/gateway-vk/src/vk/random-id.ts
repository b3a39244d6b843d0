import { createHash } from 'node:crypto';

/*
 * VK `random_id` from a Parley reply id.
 *
 * VK checks `random_id` "over the whole message history" of the sender and asks for "a large range (up to
 * int64)" (messages.send docs). Its JSON schema types the parameter as a plain `integer` (int32 by the schema's
 * convention), and old docs said int32; bots commonly send ±2^31. Choice:
 *
 *   - default `safe53`: an integer in [1, 2^53 − 1]. The docs explicitly allow up to int64; 53 bits is the range
 *     that survives JSON in JavaScript both ways (VK echoes `random_id` back in `message_reply`, and Parley
 *     recognises its own echoes by it), so no bigint handling is needed anywhere. Collision probability for n
 *     replies of one community is ≈ n²/2^54: 10 million replies → 0.5 %, 1 million → 0.005 %.
 *   - `int32`: [1, 2^31 − 1], should VK ever refuse larger values. Collisions then become likely past ~50,000
 *     replies per community (≈ n²/2^32), so it is an escape hatch, not the default.
 *
 * Derivation: SHA-256 over a domain-separated, canonical (lower-case) UUID, first 8 bytes as an unsigned
 * big-endian integer, reduced into the range and shifted to start at 1 (0 means "no de-duplication" to VK).
 * Same reply id → same random_id on every retry, on every replica, after restarts.
 */

export type VkRandomIdRange = 'safe53' | 'int32';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX: Readonly<Record<VkRandomIdRange, bigint>> = { safe53: 2n ** 53n - 1n, int32: 2n ** 31n - 1n };

export function vkRandomIdFromReplyId(replyId: string, range: VkRandomIdRange = 'safe53'): number {
  const canonical = replyId.trim().toLowerCase();
  if (!UUID.test(canonical)) throw new Error(`reply id must be a UUID, got ${JSON.stringify(replyId)}`);
  const digest = createHash('sha256').update(`parley:vk:random_id:v1:${canonical}`).digest();
  const value = digest.readBigUInt64BE(0) % MAX[range];
  return Number(value + 1n);
}
