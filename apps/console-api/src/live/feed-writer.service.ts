import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import {
  CommonErrorCodes,
  ContactProfileUpdatedV1,
  ConversationEvents,
  decodeEnvelope,
  GetConversationV1,
  LineChangedV1,
  ParleyError,
  Streams,
  causedBy,
  deadLetterSubject,
  type ContactProfileUpdated,
  type Envelope,
  type LineChanged,
  type MessageDefinition,
} from '@parley/contracts';
import {
  decideSettlement,
  deadLetterHeaders,
  defaultBackoff,
  defaultConsumer,
  ensureDurableConsumer,
  JetStreamPublisher,
  MessagingConnection,
  OnEvent,
  RequestClient,
} from '@parley/messaging';
import { PARLEY_LOGGER } from '@parley/observability';
import type { Logger as PinoLogger } from 'pino';
import type { NewFeedRow } from './feed.model';
import { FeedRepository } from './feed.repository';
import { LiveHub } from './live-hub.service';

export const FEED_DURABLE = 'console-api-feed';
/** Error code of a conversation event whose conversation its owner does not know yet (retried). */
export const CONVERSATION_NOT_YET_KNOWN = 'CONVERSATION_NOT_YET_KNOWN';
const CONVERSATION_SUBJECTS = 'parley.conversation.>';
/** Like every consumer: enough redeliveries to ride out a Postgres restart without dead-lettering (losing) an event. */
const MAX_ATTEMPTS = defaultConsumer.maxAttempts;
/** Most events written in one feed transaction. */
const MAX_BATCH = 256;

const bySubject = new Map<string, MessageDefinition>(ConversationEvents.map((d) => [d.subject, d as unknown as MessageDefinition]));

/**
 * Writes the events operators see live into console.feed and wakes the hub.
 *
 * Conversation events come through ONE durable consumer on `parley.conversation.>`, handled one at a time, so the
 * feed keeps each conversation's stream order (ConversationOpened before its MessageAppended). `@OnEvent` takes
 * one definition per consumer, so this consumer is run here with the messaging library's settlement rule and
 * dead-letter headers. Contact profile and line membership changes come through `@OnEvent`.
 */
@Injectable()
export class FeedWriter implements OnApplicationBootstrap, OnApplicationShutdown {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private readonly pending: JsMsg[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    @Inject(MessagingConnection) private readonly connection: MessagingConnection,
    @Inject(JetStreamPublisher) private readonly publisher: JetStreamPublisher,
    @Inject(RequestClient) private readonly requests: RequestClient,
    @Inject(FeedRepository) private readonly feed: FeedRepository,
    @Inject(LiveHub) private readonly hub: LiveHub,
    @Inject(PARLEY_LOGGER) private readonly logger: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureDurableConsumer(
      await jetstreamManager(this.connection.nc),
      {
        stream: Streams.EVENTS.name,
        durable: FEED_DURABLE,
        filterSubject: CONVERSATION_SUBJECTS,
        maxDeliver: MAX_ATTEMPTS + 2,
        ackWaitMs: 30_000,
        maxAckPending: 512,
        description: 'console-api: conversation events into the live feed',
      },
      this.connection.logger,
    );
    const consumer = await jetstream(this.connection.nc).consumers.get(Streams.EVENTS.name, FEED_DURABLE);
    this.messages = await consumer.consume({ max_messages: 256 });
    this.loop = this.run(this.messages);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messages?.close();
    await this.loop;
  }

  /**
   * Messages are written in batches: whatever arrived while the previous batch was being written goes into the next
   * one (up to MAX_BATCH), in arrival order, in one transaction. Under load that is one commit for many events
   * instead of one each; when idle a batch is a single event, written at once.
   */
  private async run(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const msg of messages) {
        this.pending.push(msg);
        this.kick();
        // Back-pressure: do not pull further ahead than one more batch.
        if (this.pending.length >= MAX_BATCH && this.writing) await this.writing;
      }
    } catch (err: unknown) {
      this.logger.error({ err }, 'live feed consumer stopped');
    }
    await this.writing;
  }

  private kick(): void {
    if (this.writing) return;
    this.writing = (async () => {
      while (this.pending.length > 0) await this.handleBatch(this.pending.splice(0, MAX_BATCH));
      // Cleared in the same turn as the emptiness check: a message pushed after it starts a new writer.
      this.writing = undefined;
    })();
  }

  private async handleBatch(batch: JsMsg[]): Promise<void> {
    if (batch.length === 1) return this.handle(batch[0] as JsMsg);
    const decoded: Array<{ msg: JsMsg; envelope: Envelope<object> | undefined }> = [];
    try {
      for (const msg of batch) {
        const definition = bySubject.get(msg.subject);
        decoded.push({ msg, envelope: definition ? decodeEnvelope(definition, msg.data) : undefined });
      }
      await this.writeConversationEvents(decoded.flatMap((d) => (d.envelope ? [d.envelope] : [])));
    } catch (err: unknown) {
      // Something in the batch is wrong (an undecodable message, an unknown conversation the owner cannot
      // describe…): one at a time, so each message gets its own retry or dead letter and the rest go through.
      this.logger.warn({ err, size: batch.length }, 'feed batch failed, writing its events one by one');
      for (const msg of batch) await this.handle(msg);
      return;
    }
    for (const msg of batch) msg.ack();
  }

  private async handle(msg: JsMsg): Promise<void> {
    let outcome: { ok: true } | { ok: false; error: unknown };
    try {
      const definition = bySubject.get(msg.subject);
      if (definition) await this.writeConversationEvent(decodeEnvelope(definition, msg.data));
      outcome = { ok: true };
    } catch (error: unknown) {
      outcome = { ok: false, error };
    }
    const settlement = decideSettlement(outcome, msg.info.deliveryCount, { maxAttempts: MAX_ATTEMPTS, backoff: defaultBackoff });
    switch (settlement.kind) {
      case 'ack':
        msg.ack();
        return;
      case 'retry':
        this.logger.warn({ subject: msg.subject, delayMs: settlement.delayMs, error: settlement.reason }, 'feed write failed, will retry');
        msg.nak(settlement.delayMs);
        return;
      case 'dead-letter':
        try {
          await this.publisher.publishRaw({
            subject: deadLetterSubject(FEED_DURABLE),
            data: msg.data,
            msgId: `dlq:${msg.info.stream}:${FEED_DURABLE}:${msg.info.streamSequence}`,
            headers: deadLetterHeaders(msg, settlement),
          });
        } catch (err: unknown) {
          this.logger.error({ err }, 'dead-letter publish failed, will retry');
          msg.nak(defaultBackoff.initialMs);
          return;
        }
        this.logger.error({ subject: msg.subject, code: settlement.code, error: settlement.reason }, 'feed event dead-lettered');
        msg.term();
    }
  }

  /** Writes a batch of conversation events in one transaction, in the given order. */
  private async writeConversationEvents(envelopes: readonly Envelope<object>[]): Promise<void> {
    if (envelopes.length === 0) return;
    const where = new Map<string, { lineId: string; contactId: string }>();
    const opened: Array<{ conversationId: string; lineId: string; contactId: string }> = [];
    for (const envelope of envelopes) {
      const data = envelope.data as { conversationId: string; lineId?: string; contactId?: string };
      if (envelope.type === 'ConversationOpened' && data.lineId && data.contactId) {
        opened.push({ conversationId: data.conversationId, lineId: data.lineId, contactId: data.contactId });
        where.set(data.conversationId, { lineId: data.lineId, contactId: data.contactId });
      }
    }
    if (opened.length > 0) await this.feed.rememberConversations(opened);
    const unknown = [...new Set(envelopes.map((e) => (e.data as { conversationId: string }).conversationId))].filter((id) => !where.has(id));
    for (const [id, line] of await this.feed.conversationLines(unknown)) where.set(id, line);
    for (const envelope of envelopes) {
      const conversationId = (envelope.data as { conversationId: string }).conversationId;
      if (where.has(conversationId)) continue;
      // Opened before this feed existed (or its event expired from the stream): ask the owner once.
      const view = await this.lookUp(conversationId, envelope);
      where.set(conversationId, view);
      await this.feed.rememberConversations([{ conversationId, ...view }]);
    }
    const rows: NewFeedRow[] = envelopes.map((envelope) => {
      const conversationId = (envelope.data as { conversationId: string }).conversationId;
      const line = where.get(conversationId) as { lineId: string; contactId: string };
      return {
        eventId: envelope.id,
        type: envelope.type,
        occurredAt: envelope.occurredAt,
        conversationId,
        lineId: line.lineId,
        lineIds: [line.lineId],
        data: envelope.data as Record<string, unknown>,
      };
    });
    const seqs = await this.feed.appendMany(rows);
    if (seqs.length > 0) this.hub.wake();
  }

  private async writeConversationEvent(envelope: Envelope<object>): Promise<void> {
    const data = envelope.data as { conversationId: string; lineId?: string; contactId?: string };
    let where: { lineId: string; contactId: string } | undefined;
    if (envelope.type === 'ConversationOpened' && data.lineId && data.contactId) {
      where = { lineId: data.lineId, contactId: data.contactId };
      await this.feed.rememberConversation(data.conversationId, where.lineId, where.contactId);
    } else {
      where = await this.feed.conversationLine(data.conversationId);
      if (!where) {
        // Opened before this feed existed (or its event expired from the stream): ask the owner once.
        where = await this.lookUp(data.conversationId, envelope);
        await this.feed.rememberConversation(data.conversationId, where.lineId, where.contactId);
      }
    }
    await this.append({
      eventId: envelope.id,
      type: envelope.type,
      occurredAt: envelope.occurredAt,
      conversationId: data.conversationId,
      lineId: where.lineId,
      lineIds: [where.lineId],
      data: envelope.data as Record<string, unknown>,
    });
  }

  /**
   * The line and contact of a conversation this feed has not seen opened, from its owner. conversation-service
   * answers from its read model, which can trail the events it already published, and a ConversationOpened whose
   * write failed here comes back later than the events behind it: NOT_FOUND means "not yet" and is retried like any
   * transient fault, never a reason to dead-letter the event (the chaos run lost a MessageAppended from the live
   * feed that way right after a Postgres restart).
   */
  private async lookUp(conversationId: string, envelope: Envelope<object>): Promise<{ lineId: string; contactId: string }> {
    try {
      const view = await this.requests.request(GetConversationV1, { conversationId }, causedBy(envelope));
      return { lineId: view.lineId, contactId: view.contactId };
    } catch (err: unknown) {
      if (err instanceof ParleyError && err.code === CommonErrorCodes.NOT_FOUND) {
        throw new ParleyError(CONVERSATION_NOT_YET_KNOWN, `conversation ${conversationId} is not known to its owner yet`, {
          retryable: true,
          cause: err,
        });
      }
      throw err;
    }
  }

  @OnEvent(ContactProfileUpdatedV1, { durable: 'console-api-contact-profiles', concurrency: 1 })
  async onContactProfileUpdated(envelope: Envelope<ContactProfileUpdated>): Promise<void> {
    await this.append({
      eventId: envelope.id,
      type: envelope.type,
      occurredAt: envelope.occurredAt,
      conversationId: null,
      lineId: null,
      lineIds: await this.feed.contactLines(envelope.data.contactId),
      data: envelope.data as unknown as Record<string, unknown>,
    });
  }

  @OnEvent(LineChangedV1, { durable: 'console-api-line-members', concurrency: 1 })
  async onLineChanged(envelope: Envelope<LineChanged>): Promise<void> {
    await this.feed.replaceLineMembers(envelope.data.id, envelope.data.memberIds);
  }

  private async append(row: NewFeedRow): Promise<void> {
    const seq = await this.feed.append(row);
    if (seq !== undefined) this.hub.wake();
  }
}
