import { ChannelTypes, type ChannelType } from '@parley/contracts';

/** One rate limit: a token bucket's refill rate and burst. */
export interface RateLimit {
  /** Sustained rate (tokens per second). */
  ratePerSec: number;
  /** Bucket size: how many tokens may be spent at once after an idle period. */
  burst: number;
}

/** How a messenger limits one connection (channel), and optionally one chat of it. */
export interface ChannelCapability {
  /** Per connection: VK community token, Telegram bot, Facebook page, Viber bot. */
  perChannel: RateLimit;
  /** Per chat (Telegram: ~1 msg/s per chat). */
  perChat?: RateLimit;
  /** Extra messenger API calls per attachment inside the gateway (VK: get upload server, upload, save). */
  callsPerAttachment: number;
}

/**
 * Budgets per messenger (docs/reference messenger-protocols.md), set just under the published limit so that no
 * 1-second window is ever exceeded even with timer jitter (≥ 95 % of the budget is still used):
 * - VK: 20 req/s per community token; a reply with N attachments costs 1 + 3N calls (upload server, upload,
 *   save per file, then messages.send). Burst 1: sends are evenly spaced.
 * - Telegram: ~30 msg/s per bot, ~1 msg/s per chat.
 * - Facebook / Instagram (Graph Send API): 300 calls/s per page; rate = limit − burst + 1 so a burst after an
 *   idle period plus a second's refill stays within 300.
 * - Viber: no published per-second limit (only 100 msgs/user/hour without reply) ⚠: conservative 10/s.
 * - Webchat: Parley's own widget; effectively unlimited.
 * Override with `RATE_LIMITS` (JSON, merged per type).
 */
export const DEFAULT_CAPABILITIES: Readonly<Record<ChannelType, ChannelCapability>> = {
  vk: { perChannel: { ratePerSec: 19.4, burst: 1 }, callsPerAttachment: 3 },
  telegram: { perChannel: { ratePerSec: 29, burst: 1 }, perChat: { ratePerSec: 0.97, burst: 1 }, callsPerAttachment: 0 },
  facebook: { perChannel: { ratePerSec: 291, burst: 10 }, callsPerAttachment: 0 },
  instagram: { perChannel: { ratePerSec: 291, burst: 10 }, callsPerAttachment: 0 },
  viber: { perChannel: { ratePerSec: 10, burst: 1 }, callsPerAttachment: 0 },
  webchat: { perChannel: { ratePerSec: 1000, burst: 100 }, callsPerAttachment: 0 },
};

export type CapabilityOverrides = Partial<Record<ChannelType, Partial<ChannelCapability>>>;

/** The default table with per-type overrides applied, each rate scaled by `share` (1/N for N replicas). */
export function resolveCapabilities(
  overrides: CapabilityOverrides = {},
  share = 1,
): Readonly<Record<ChannelType, ChannelCapability>> {
  if (!(share > 0 && share <= 1)) throw new Error(`rate share must be in (0, 1], got ${share}`);
  const scale = (limit: RateLimit): RateLimit => ({ ratePerSec: limit.ratePerSec * share, burst: limit.burst });
  const out = {} as Record<ChannelType, ChannelCapability>;
  for (const type of ChannelTypes) {
    const merged: ChannelCapability = { ...DEFAULT_CAPABILITIES[type], ...overrides[type] };
    out[type] = {
      perChannel: scale(merged.perChannel),
      ...(merged.perChat === undefined ? {} : { perChat: scale(merged.perChat) }),
      callsPerAttachment: merged.callsPerAttachment,
    };
  }
  return out;
}

/** Messenger API calls one reply costs: 1 send plus the gateway's upload calls for its attachments. */
export function sendCost(capability: ChannelCapability, attachmentCount: number): number {
  return 1 + capability.callsPerAttachment * attachmentCount;
}
