import { Inject, Injectable } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import {
  CustomerBlockedChannelV1,
  CustomerUnblockedChannelV1,
  ExternalReplyReceivedV1,
  MessageReceivedV1,
  ParleyError,
} from '@parley/contracts';
import { PARLEY_LOGGER } from '@parley/observability';
import { channelSecret } from '../channels/channel-credentials';
import { ChannelRepository, type ChannelRecord } from '../channels/channel.repository';
import { SecretBox } from '../crypto/secret-box';
import { InboundPublisher } from '../inbound/inbound-publisher';
import { ReceivedKeysRepository } from '../inbound/received-keys.repository';
import { MediaCopier } from '../media/media-copier';
import { SentMessagesRepository } from '../sending/sent-messages.repository';
import {
  HANDLED_VK_EVENT_TYPES,
  normalizeVkCallback,
  parseVkCallback,
  vkSecretMatches,
  VkCallbackValidationError,
  type VkCallback,
  type VkMessage,
} from '../vk';

/** What the controller answers VK. */
export interface WebhookAnswer {
  status: number;
  body: string;
  /** For metrics and logs: `confirmation`, `published`, `duplicate`, `ignored`, `disconnected`, `not-found`, `invalid`, `forbidden`, `retry`; the controller's `shed`, `caller-gone` (WebhookAdmission). */
  outcome: string;
  eventType: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The VK Callback API for one channel:
 * - unknown or deleted channel → 404; a body that is not a VK callback → 400;
 * - another community's group_id, or a wrong or missing `secret` → 403, nothing stored or published
 *   (`confirmation` carries no secret: it is answered when its group_id matches, unless it has a wrong one);
 * - a Disconnected channel → `ok`, nothing published: VK would retry a refusal for hours, and switching the
 *   channel back to Active backfills its messages from VK's history. (`message_deny`/`allow` received while
 *   Disconnected are not recovered by that backfill; a later send to a blocking customer still fails with 901.)
 * - an event or message already published → `ok` without publishing again;
 * - otherwise normalise, copy media into the attachment store, publish, and answer `ok` only after the PubAck.
 *   A publish failure (or a transient media failure) → 503, and VK retries.
 */
@Injectable()
export class VkWebhookService {
  constructor(
    @Inject(ChannelRepository) private readonly channels: ChannelRepository,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(ReceivedKeysRepository) private readonly received: ReceivedKeysRepository,
    @Inject(SentMessagesRepository) private readonly sent: SentMessagesRepository,
    @Inject(MediaCopier) private readonly media: MediaCopier,
    @Inject(InboundPublisher) private readonly inbound: InboundPublisher,
    @Inject(PARLEY_LOGGER) private readonly logger: PinoLogger,
  ) {}

  async handle(channelId: string, rawBody: Buffer | undefined): Promise<WebhookAnswer> {
    const channel = UUID.test(channelId) ? await this.channels.find(channelId.toLowerCase()) : undefined;
    if (!channel) return answer(404, 'not found', 'not-found', 'unknown');

    let callback: VkCallback;
    try {
      callback = parseVkCallback(JSON.parse((rawBody ?? Buffer.alloc(0)).toString('utf8')) as unknown);
    } catch (err: unknown) {
      const problem = err instanceof VkCallbackValidationError ? `${err.path} ${err.problem}` : 'not JSON';
      this.logger.warn({ channelId, problem }, 'invalid VK callback');
      return answer(400, 'bad request', 'invalid', 'unknown');
    }
    // A metric label: VK's own event types only (the body is untrusted; unknown types would explode cardinality).
    const type = (HANDLED_VK_EVENT_TYPES as readonly string[]).includes(callback.type) ? callback.type : 'other';
    if (callback.group_id !== channel.groupId) return answer(403, 'forbidden', 'forbidden', type);

    const secret = channelSecret(this.box, channel);
    if (callback.type === 'confirmation') {
      if (callback.secret !== undefined && !vkSecretMatches(callback, secret)) return answer(403, 'forbidden', 'forbidden', type);
      return answer(200, channel.confirmation, 'confirmation', type);
    }
    if (!vkSecretMatches(callback, secret)) return answer(403, 'forbidden', 'forbidden', type);
    if (channel.status !== 'active') return answer(200, 'ok', 'disconnected', type);

    try {
      return answer(200, 'ok', await this.process(channel, callback), type);
    } catch (err: unknown) {
      this.logger.warn({ err: describe(err), channelId, eventType: type }, 'VK callback not stored; VK will retry');
      return answer(503, 'retry later', 'retry', type);
    }
  }

  private async process(channel: ChannelRecord, callback: VkCallback): Promise<string> {
    const ownRandomId = callback.type === 'message_reply' ? (callback.object as VkMessage).random_id : undefined;
    const own = ownRandomId ? await this.sent.find(channel.groupId, ownRandomId) : undefined;
    const normalized = normalizeVkCallback(callback, {
      channelId: channel.id,
      lineId: channel.lineId,
      isOwnMessage: (m) => own !== undefined && m.random_id === own.randomId,
    });
    if (normalized.kind === 'confirmation') return 'confirmation';
    if (normalized.kind === 'ignored') return 'ignored';

    const keys = [normalized.eventKey, normalized.fact.dedupeKey];
    const known = await this.received.known(keys);
    if (known.size > 0) {
      await this.received.record(channel.id, keys);
      return 'duplicate';
    }

    switch (normalized.kind) {
      case 'message-received': {
        const attachments = await this.media.copyAll(normalized.media);
        await this.inbound.publish(MessageReceivedV1, { ...normalized.fact, attachments });
        await this.received.record(channel.id, keys);
        await this.channels.recordReceived(channel.id, new Date(normalized.fact.sentAt));
        break;
      }
      case 'external-reply': {
        const attachments = await this.media.copyAll(normalized.media);
        await this.inbound.publish(ExternalReplyReceivedV1, { ...normalized.fact, attachments });
        await this.received.record(channel.id, keys);
        break;
      }
      case 'customer-blocked':
        await this.inbound.publish(CustomerBlockedChannelV1, normalized.fact);
        await this.received.record(channel.id, keys);
        break;
      case 'customer-unblocked':
        await this.inbound.publish(CustomerUnblockedChannelV1, normalized.fact);
        await this.received.record(channel.id, keys);
        break;
    }
    return 'published';
  }
}

function answer(status: number, body: string, outcome: string, eventType: string): WebhookAnswer {
  return { status, body, outcome, eventType };
}

function describe(err: unknown): { name: string; message: string; code?: string } {
  if (err instanceof ParleyError) return { name: err.name, message: err.message, code: err.code };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'unknown', message: String(err) };
}
