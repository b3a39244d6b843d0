import { Inject, Injectable } from '@nestjs/common';
import { GatewayRequestsByType, ParleyError, type Envelope, type SendReceipt, type SendReply } from '@parley/contracts';
import { OnRequest } from '@parley/messaging';
import { GatewayVkMetrics } from '../health/gateway-vk.metrics';
import { SendReplyService } from './send-reply.service';

/** `parley.gateway-vk.send.v1`, asked by the outbound dispatcher (which retries retryable errors). */
@Injectable()
export class SendReplyHandler {
  constructor(
    @Inject(SendReplyService) private readonly sender: SendReplyService,
    @Inject(GatewayVkMetrics) private readonly metrics: GatewayVkMetrics,
  ) {}

  @OnRequest(GatewayRequestsByType.vk.send)
  async send(envelope: Envelope<SendReply>): Promise<SendReceipt> {
    try {
      const receipt = await this.sender.send(envelope.data);
      this.metrics.sends.inc({ outcome: 'sent' });
      return receipt;
    } catch (err: unknown) {
      this.metrics.sends.inc({ outcome: err instanceof ParleyError ? err.code : 'INTERNAL' });
      throw err;
    }
  }
}
