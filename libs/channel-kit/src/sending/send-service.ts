import { Inject, Injectable } from '@nestjs/common';
import { CommonErrorCodes, ParleyError, SendErrorCodes, type AttachmentRef, type SendReceipt, type SendReply } from '@parley/contracts';
import type { ChannelConnection, SendTools } from '../adapter/channel-adapter';
import { AttachmentStore } from '../attachment-store';
import { ChannelHealthTracker } from '../channels/channel-health';
import { ChannelRegistry } from '../channels/channel-registry';
import { GatewayContext } from '../gateway/gateway-context';
import { ConnectionPacer } from '../pacing/connection-pacer';
import { checkReply } from './reply-limits';
import { SentMessagesRepository } from './sent-messages.repository';

/**
 * Sends an operator reply exactly once per send key: the channel must be Active and not deactivated, the reply
 * within the capability table's limits; a reply already sent is answered from its record without calling the
 * messenger again; otherwise the attempt is recorded (so the messenger's echo is recognised) before the adapter
 * sends, and completed after. Outcomes feed the channel's health.
 */
@Injectable()
export class SendService {
  constructor(
    @Inject(GatewayContext) private readonly context: GatewayContext,
    @Inject(ChannelRegistry) private readonly registry: ChannelRegistry,
    @Inject(SentMessagesRepository) private readonly sent: SentMessagesRepository,
    @Inject(AttachmentStore) private readonly store: AttachmentStore,
    @Inject(ConnectionPacer) private readonly pacer: ConnectionPacer,
    @Inject(ChannelHealthTracker) private readonly health: ChannelHealthTracker,
  ) {}

  async send(reply: SendReply): Promise<SendReceipt> {
    const adapter = this.context.adapter;
    const connection = await this.registry.connection(reply.channelId);
    if (!connection || connection.status !== 'active' || connection.health === 'deactivated') {
      const state = !connection ? 'deleted' : connection.status !== 'active' ? 'disconnected' : 'deactivated';
      throw new ParleyError(SendErrorCodes.CHANNEL_DISCONNECTED, `${this.context.type} channel ${reply.channelId} is ${state}`, {
        retryable: false,
        details: { channelId: reply.channelId, state },
      });
    }
    checkReply(this.context.type, adapter.capabilities, reply);

    const sendKey = adapter.sendKey ? adapter.sendKey(reply) : reply.replyId;
    const previous = await this.sent.find(connection.externalId, sendKey);
    if (previous?.externalMessageId != null && previous.sentAt !== null) {
      return { externalMessageId: previous.externalMessageId, sentAt: previous.sentAt.toISOString() };
    }
    await this.sent.recordAttempt(connection.externalId, sendKey, connection.id, reply.replyId);
    let outcome;
    try {
      outcome = await adapter.send(connection, reply, this.tools(connection, sendKey, previous !== undefined));
    } catch (err: unknown) {
      this.health.failed(connection, err);
      throw err;
    }
    this.health.succeeded(connection);
    const sentAt = outcome.sentAt ?? new Date();
    await this.sent.recordSent(connection.externalId, sendKey, outcome.externalMessageId, sentAt);
    return { externalMessageId: outcome.externalMessageId, sentAt: sentAt.toISOString() };
  }

  private tools(connection: ChannelConnection<object, object>, sendKey: string, attemptedBefore: boolean): SendTools {
    return {
      sendKey,
      attemptedBefore,
      read: (ref) => this.read(ref),
      pace: (options) => this.pacer.acquire(connection.id, { priority: 1, ...options }),
    };
  }

  private async read(ref: AttachmentRef): Promise<Buffer> {
    const stored = await this.store.get(ref.id);
    if (!stored) {
      throw new ParleyError(CommonErrorCodes.NOT_FOUND, `attachment ${ref.id} not found`, { retryable: false, details: { attachmentId: ref.id } });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of stored.stream) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }
}
