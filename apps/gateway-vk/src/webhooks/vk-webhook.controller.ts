import { Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { GatewayVkMetrics } from '../health/gateway-vk.metrics';
import type { RequestWithRawBody } from './raw-body.middleware';
import { VkWebhookService } from './vk-webhook.service';
import { WebhookAdmission } from './webhook-admission';

/** The parts of Express's response the controller uses. */
interface PlainResponse {
  status(code: number): PlainResponse;
  type(contentType: string): PlainResponse;
  send(body: string): void;
}

/** `POST /webhooks/vk/:channelId`: VK's Callback API (see VkWebhookService for the answers). */
@Controller('webhooks/vk')
export class VkWebhookController {
  constructor(
    @Inject(VkWebhookService) private readonly webhooks: VkWebhookService,
    @Inject(GatewayVkMetrics) private readonly metrics: GatewayVkMetrics,
    @Inject(WebhookAdmission) private readonly admission: WebhookAdmission,
  ) {}

  @Post(':channelId')
  @HttpCode(200)
  async receive(@Param('channelId') channelId: string, @Req() req: RequestWithRawBody, @Res() res: PlainResponse): Promise<void> {
    const stop = this.metrics.ackLatency.startTimer();
    const admitted = await this.admission.run(() => this.webhooks.handle(channelId, req.rawBody), () => req.socket.destroyed);
    const answer = admitted.admitted
      ? admitted.value
      : { status: 503, body: 'retry later', outcome: admitted.reason === 'busy' ? 'shed' : 'caller-gone', eventType: 'unknown' };
    res.status(answer.status).type('text/plain').send(answer.body);
    stop({ outcome: answer.outcome });
    this.metrics.webhooks.inc({ type: answer.eventType, outcome: answer.outcome });
  }
}
