import { Inject, Injectable } from '@nestjs/common';
import {
  causedBy,
  newMessageId,
  ParleyError,
  type CustomerBlockedChannel,
  type Envelope,
  type ExternalReplyReceived,
  type InboundFact,
  type MessageEdited,
  type MessageReceived,
} from '@parley/contracts';
import type { EntityManager } from 'typeorm';
import { decideBlock, decideEdit, type IncomingMessage } from '../conversation/conversation.decider';
import { ConversationRepository } from '../conversation/conversation.repository';
import { toNewEvent, type AppendContext } from '../conversation/conversation-stream.mapper';
import { TransactionRunner } from '../database/transaction-runner';
import { LinesRepository, type KnownLine } from '../lines/lines.repository';
import { ChannelBlocksRepository } from './channel-blocks.repository';
import { ContactResolver } from './contact-resolver';
import { decideCustomerMessage, decideMessengerAnswer, type InboundDecision, type InboundSituation, type LatestConversation } from './inbound-decisions';
import { SessionsRepository, type SessionKey } from './sessions.repository';

/** A fact for a line this service has not heard of yet: `LineChanged` is probably still on its way. */
export const LINE_UNKNOWN = 'LINE_UNKNOWN';
const LINE_UNKNOWN_RETRY_MS = 2_000;

type MessageFact = MessageReceived | ExternalReplyReceived;

/**
 * Turns inbound facts into conversation events. Each fact is appended with its `dedupeKey` as the idempotency key,
 * so a redelivery or a replay an hour later stores nothing. Everything that decides on one (line, channel,
 * contact) runs under a transaction-scoped advisory lock, and the append's expected version is the last guard.
 */
@Injectable()
export class InboundService {
  constructor(
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(ChannelBlocksRepository) private readonly blocks: ChannelBlocksRepository,
    @Inject(LinesRepository) private readonly lines: LinesRepository,
    @Inject(ContactResolver) private readonly contacts: ContactResolver,
    @Inject(TransactionRunner) private readonly transactions: TransactionRunner,
  ) {}

  async messageReceived(envelope: Envelope<MessageReceived>): Promise<void> {
    const fact = envelope.data;
    const profile = fact.profile ?? {};
    await this.recordMessage(envelope, decideCustomerMessage, {
      ...(profile.displayName === undefined ? {} : { displayName: profile.displayName }),
      ...(profile.avatarUrl === undefined ? {} : { avatarUrl: profile.avatarUrl }),
    });
  }

  async externalReplyReceived(envelope: Envelope<ExternalReplyReceived>): Promise<void> {
    await this.recordMessage(envelope, decideMessengerAnswer, {});
  }

  async blockChanged(envelope: Envelope<CustomerBlockedChannel>, blocked: boolean): Promise<void> {
    const fact = envelope.data;
    if (await this.conversations.isRecorded(fact.dedupeKey)) return;
    const contactId = await this.resolveContact(envelope, {});
    const key: SessionKey = { lineId: fact.lineId, channelId: fact.channelId, contactId };
    await this.transactions.run(async (tx) => {
      await this.sessions.lock(tx, key);
      const current = await this.blocks.record(tx, fact.channelId, fact.externalUserId, blocked, fact.sentAt);
      if (!current) return; // a later block/allow fact is already recorded
      const latestId = await this.sessions.latest(tx, key);
      if (latestId === null) return; // no conversation yet: the flag alone makes the first one start blocked
      const latest = await this.conversations.load(latestId, tx);
      const events = decideBlock(latest.state, latestId, blocked);
      if (events.length === 0) return;
      const context = appendContext(envelope);
      await this.conversations.append(latestId, events.map((e) => toNewEvent(e, context, fact.dedupeKey)), latest.version, tx);
    });
  }

  /** An edit goes to the contact's latest conversation in the line, when the edited message is in it. */
  async messageEdited(envelope: Envelope<MessageEdited>): Promise<void> {
    const fact = envelope.data;
    if (await this.conversations.isRecorded(fact.dedupeKey)) return;
    const contactId = await this.resolveContact(envelope, {});
    const key: SessionKey = { lineId: fact.lineId, channelId: fact.channelId, contactId };
    await this.transactions.run(async (tx) => {
      await this.sessions.lock(tx, key);
      const latest = await this.latest(tx, key);
      if (latest === null) return;
      const events = decideEdit(latest.state, latest.id, fact);
      if (events.length === 0) return;
      const context = appendContext(envelope);
      await this.conversations.append(latest.id, events.map((e) => toNewEvent(e, context, fact.dedupeKey)), latest.version, tx);
    });
  }

  private async recordMessage(
    envelope: Envelope<MessageFact>,
    decide: (situation: InboundSituation, message: IncomingMessage) => InboundDecision,
    hints: { displayName?: string; avatarUrl?: string },
  ): Promise<void> {
    const fact = envelope.data;
    if (await this.conversations.isRecorded(fact.dedupeKey)) return;
    const line = await this.knownLine(fact.lineId);
    const contactId = await this.resolveContact(envelope, hints);
    const key: SessionKey = { lineId: fact.lineId, channelId: fact.channelId, contactId };
    const message: IncomingMessage = {
      messageId: newMessageId(),
      text: fact.text,
      attachments: fact.attachments,
      externalMessageId: fact.externalMessageId,
      sentAt: fact.sentAt,
    };
    const context = appendContext(envelope);
    await this.transactions.run(async (tx) => {
      await this.sessions.lock(tx, key);
      const latest = await this.latest(tx, key);
      const decision = decide(
        {
          latest: latest && { id: latest.id, state: latest.state },
          rule: line.sessionRule,
          blocked: await this.blocks.isBlocked(tx, fact.channelId, fact.externalUserId),
          now: new Date(),
          newConversationId: newMessageId(),
          open: {
            lineId: fact.lineId,
            channelId: fact.channelId,
            channelType: fact.channelType,
            contactId,
            externalChatId: fact.externalChatId,
          },
        },
        message,
      );
      // One idempotency key per fact: on the message it brought (the other events exist only because of it).
      const events = decision.events.map((e) => toNewEvent(e, context, e.type === 'MessageAppended' ? fact.dedupeKey : undefined));
      const version = decision.opens ? 0 : (latest?.version ?? 0);
      const result = await this.conversations.append(decision.conversationId, events, version, tx);
      if (decision.opens && !result.duplicate) await this.sessions.save(tx, key, decision.conversationId);
    });
  }

  private async latest(tx: EntityManager, key: SessionKey): Promise<(LatestConversation & { version: number }) | null> {
    const id = await this.sessions.latest(tx, key);
    if (id === null) return null;
    const loaded = await this.conversations.load(id, tx);
    return { id, state: loaded.state, version: loaded.version };
  }

  private async knownLine(lineId: string): Promise<KnownLine> {
    const line = await this.lines.find(lineId);
    if (line === null) {
      throw new ParleyError(LINE_UNKNOWN, `line ${lineId} is not known yet (waiting for its LineChanged)`, {
        retryable: true,
        retryAfterMs: LINE_UNKNOWN_RETRY_MS,
      });
    }
    return line;
  }

  private resolveContact(envelope: Envelope<InboundFact>, hints: { displayName?: string; avatarUrl?: string }): Promise<string> {
    const fact = envelope.data;
    return this.contacts.resolve(
      { channelId: fact.channelId, channelType: fact.channelType, externalUserId: fact.externalUserId, ...hints },
      causedBy(envelope),
    );
  }
}

function appendContext(envelope: Envelope): AppendContext {
  return causedBy(envelope);
}
