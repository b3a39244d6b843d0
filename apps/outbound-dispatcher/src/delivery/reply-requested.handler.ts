import { Inject, Injectable } from '@nestjs/common';
import { ReplyRequestedV1, type EnvelopeOf } from '@parley/contracts';
import { OnEvent } from '@parley/messaging';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryWorker } from './delivery.worker';

/**
 * Records each ReplyRequested as a pending delivery, then acks it. Idempotent by reply id: a redelivered or
 * re-published ReplyRequested changes nothing. Same-conversation events are recorded in arrival order
 * (partition key), which is the order they are sent in.
 */
@Injectable()
export class ReplyRequestedHandler {
  constructor(
    @Inject(DeliveryRepository) private readonly deliveries: DeliveryRepository,
    @Inject(DeliveryWorker) private readonly worker: DeliveryWorker,
  ) {}

  @OnEvent(ReplyRequestedV1, {
    durable: 'outbound-dispatcher-replies',
    partitionKey: (envelope) => envelope.data.conversationId,
    concurrency: 32,
  })
  async onReplyRequested(envelope: EnvelopeOf<typeof ReplyRequestedV1>): Promise<void> {
    const reply = envelope.data;
    const created = await this.deliveries.record({
      replyId: reply.replyId,
      conversationId: reply.conversationId,
      channelId: reply.channelId,
      channelType: reply.channelType,
      externalChatId: reply.externalChatId,
      payload: {
        channelId: reply.channelId,
        conversationId: reply.conversationId,
        replyId: reply.replyId,
        externalChatId: reply.externalChatId,
        text: reply.text,
        attachments: reply.attachments,
        ...(reply.operatorName === undefined ? {} : { senderName: reply.operatorName }),
      },
      correlationId: envelope.correlationId,
      causationId: envelope.id,
    });
    if (created) this.worker.kick();
  }
}
