import {
  createEnvelope,
  ReplyDispatchedV1,
  ReplyDispatchFailedV1,
  type ReplyDispatched,
  type ReplyDispatchFailed,
} from '@parley/contracts';
import type { DataSource } from 'typeorm';
import { v5 as uuidv5 } from 'uuid';
import type { OutboxWriter } from '@parley/service-kit';
import type { ClaimedDelivery, DeliveryRepository } from './delivery.repository';

/** Namespace of the outcome event ids (uuid v5 of `<type>:<replyId>`): one id per reply outcome, forever. */
const OUTCOME_NAMESPACE = '5d0f4c55-8a0e-4f37-9c7e-2f6a1f0b7d21';

export function outcomeEventId(type: 'ReplyDispatched' | 'ReplyDispatchFailed', replyId: string): string {
  return uuidv5(`${type}:${replyId}`, OUTCOME_NAMESPACE);
}

/**
 * Writes a send's outcome: the status change and, for final outcomes, the event in the outbox, in one
 * transaction. Every method returns false when the claim was lost (another replica owns the reply now) and
 * nothing was written.
 */
export class DeliveryOutcomes {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deliveries: DeliveryRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async delivered(claim: ClaimedDelivery, receipt: { externalMessageId: string; deliveredAt: Date }): Promise<boolean> {
    const data: ReplyDispatched = {
      conversationId: claim.conversationId,
      replyId: claim.replyId,
      externalMessageId: receipt.externalMessageId,
      deliveredAt: receipt.deliveredAt.toISOString(),
      attempts: claim.attempts,
    };
    const envelope = createEnvelope(ReplyDispatchedV1, data, causation(claim), { id: outcomeEventId('ReplyDispatched', claim.replyId) });
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.deliveries.markDelivered(manager, claim, receipt.externalMessageId))) return false;
      await this.outbox.add(manager, ReplyDispatchedV1, envelope);
      return true;
    });
  }

  async failed(claim: ClaimedDelivery, failure: { code: string; reason: string; messengerErrorCode: string | undefined }): Promise<boolean> {
    const data: ReplyDispatchFailed = {
      conversationId: claim.conversationId,
      replyId: claim.replyId,
      code: failure.code,
      reason: failure.reason,
      attempts: claim.attempts,
      ...(failure.messengerErrorCode === undefined ? {} : { messengerErrorCode: failure.messengerErrorCode }),
    };
    const envelope = createEnvelope(ReplyDispatchFailedV1, data, causation(claim), { id: outcomeEventId('ReplyDispatchFailed', claim.replyId) });
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.deliveries.markFailed(manager, claim, failure))) return false;
      await this.outbox.add(manager, ReplyDispatchFailedV1, envelope);
      return true;
    });
  }

  async retryLater(
    claim: ClaimedDelivery,
    retry: { delayMs: number; code: string; reason: string; messengerErrorCode: string | undefined },
  ): Promise<boolean> {
    return this.dataSource.transaction((manager) => this.deliveries.scheduleRetry(manager, claim, retry));
  }
}

function causation(claim: ClaimedDelivery): { correlationId: string; causationId: string } {
  return { correlationId: claim.correlationId, causationId: claim.causationId };
}
