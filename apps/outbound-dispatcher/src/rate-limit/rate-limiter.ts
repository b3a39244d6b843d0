import type { ChannelType } from '@parley/contracts';
import { sendCost, type ChannelCapability } from './channel-capabilities';
import { TokenBucket } from './token-bucket';

/** What the limiter needs to know about one send. */
export interface SendSlotRequest {
  channelId: string;
  channelType: ChannelType;
  externalChatId: string;
  attachmentCount: number;
}

/**
 * Token buckets per channel (and per chat where the messenger limits chats), created on first use from the
 * capability table and forgotten once full again. Pure apart from the clock passed in.
 */
export class RateLimiter {
  private readonly channels = new Map<string, TokenBucket>();
  private readonly chats = new Map<string, TokenBucket>();

  constructor(private readonly capabilities: Readonly<Record<ChannelType, ChannelCapability>>) {}

  /** Books the send on its buckets; returns the wait in ms before it may go. */
  reserve(request: SendSlotRequest, now: number): number {
    const capability = this.capabilities[request.channelType];
    const cost = sendCost(capability, request.attachmentCount);
    let waitMs = this.channelBucket(request.channelId, capability, now).reserve(cost, now);
    if (capability.perChat !== undefined) {
      const chat = this.bucket(this.chats, `${request.channelId}/${request.externalChatId}`, capability.perChat.ratePerSec, capability.perChat.burst, now);
      waitMs = Math.max(waitMs, chat.reserve(1, now));
    }
    return waitMs;
  }

  /**
   * How many sends each busy channel may start now (a channel not listed may start up to its burst). Used to
   * claim no more work per channel than its bucket allows.
   */
  allowances(now: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [channelId, bucket] of this.channels) out[channelId] = Math.max(0, Math.floor(bucket.available(now)));
    return out;
  }

  /** Bursts per channel type, for channels without a bucket yet. */
  burstsByType(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [type, capability] of Object.entries(this.capabilities)) out[type] = Math.max(1, Math.floor(capability.perChannel.burst));
    return out;
  }

  /** Ms until some exhausted channel can send again; undefined when none is waiting. */
  nextRefillInMs(now: number): number | undefined {
    let next: number | undefined;
    for (const bucket of this.channels.values()) {
      const ms = bucket.msUntilAvailable(now);
      if (ms > 0 && (next === undefined || ms < next)) next = ms;
    }
    return next;
  }

  /** The messenger throttled the channel: send nothing more on it until `until`. */
  pauseChannel(channelId: string, channelType: ChannelType, until: number, now: number): void {
    this.channelBucket(channelId, this.capabilities[channelType], now).pauseUntil(until, now);
  }

  /** Drops buckets that are full again (keeps memory bounded by the busy channels). */
  prune(now: number): void {
    for (const map of [this.channels, this.chats]) {
      for (const [key, bucket] of map) if (bucket.isIdle(now)) map.delete(key);
    }
  }

  private channelBucket(channelId: string, capability: ChannelCapability, now: number): TokenBucket {
    return this.bucket(this.channels, channelId, capability.perChannel.ratePerSec, capability.perChannel.burst, now);
  }

  private bucket(map: Map<string, TokenBucket>, key: string, ratePerSec: number, burst: number, now: number): TokenBucket {
    let bucket = map.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(ratePerSec, burst, now);
      map.set(key, bucket);
    }
    return bucket;
  }
}
