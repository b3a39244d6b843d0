import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { WebhookRequest } from '../adapter/channel-adapter';
import { GatewayMetrics } from '../gateway/gateway.metrics';
import { GatewayContext } from '../gateway/gateway-context';
import type { RequestWithRawBody } from './raw-body.middleware';
import { WebhookAdmission } from './webhook-admission';
import { WebhookPipeline, WEBHOOK_RETRY_AFTER_S, type WebhookResponse } from './webhook-pipeline';

/** The parts of Express's response the controller uses. */
interface PlainResponse {
  status(code: number): PlainResponse;
  type(contentType: string): PlainResponse;
  setHeader(name: string, value: string): void;
  send(body: string): void;
}

type ExpressRequest = RequestWithRawBody & { query?: Record<string, unknown> };

/**
 * `GET|POST /webhooks/<type>/:channelId` (raw body; see WebhookPipeline for the answers). Deliveries pass
 * WebhookAdmission first: beyond its bounds they are answered 503 with `Retry-After` at once (outcome `shed`, or
 * `caller-gone` for one whose caller hung up while it waited), before any database work.
 */
@Controller('webhooks')
export class WebhookController {
  constructor(
    @Inject(GatewayContext) private readonly context: GatewayContext,
    @Inject(WebhookPipeline) private readonly pipeline: WebhookPipeline,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(WebhookAdmission) private readonly admission: WebhookAdmission,
  ) {}

  @Post(':type/:channelId')
  receive(@Param('type') type: string, @Param('channelId') channelId: string, @Req() req: ExpressRequest, @Res() res: PlainResponse): Promise<void> {
    return this.handle('POST', type, channelId, req, res);
  }

  @Get(':type/:channelId')
  handshake(@Param('type') type: string, @Param('channelId') channelId: string, @Req() req: ExpressRequest, @Res() res: PlainResponse): Promise<void> {
    return this.handle('GET', type, channelId, req, res);
  }

  private async handle(method: 'GET' | 'POST', type: string, channelId: string, req: ExpressRequest, res: PlainResponse): Promise<void> {
    const stop = this.metrics.ackLatency.startTimer();
    let answer: WebhookResponse;
    if (type !== this.context.type) {
      answer = { status: 404, body: 'not found', contentType: 'text/plain', outcome: 'not-found', eventType: 'unknown' };
    } else {
      const admitted = await this.admission.run(() => this.pipeline.handle(channelId, toWebhookRequest(method, req)), () => req.socket.destroyed);
      answer = admitted.admitted ? admitted.value : shed(admitted.reason);
    }
    for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
    res.status(answer.status).type(answer.contentType).send(answer.body);
    stop({ outcome: answer.outcome });
    this.metrics.webhooks.inc({ type: answer.eventType, outcome: answer.outcome });
  }
}

/** The answer to a delivery the admission gate refused: the messenger retries it later. */
function shed(reason: 'busy' | 'gone'): WebhookResponse {
  return {
    status: 503,
    body: 'retry later',
    contentType: 'text/plain',
    headers: { 'retry-after': String(WEBHOOK_RETRY_AFTER_S) },
    outcome: reason === 'busy' ? 'shed' : 'caller-gone',
    eventType: 'unknown',
  };
}

function toWebhookRequest(method: 'GET' | 'POST', req: ExpressRequest): WebhookRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.query ?? {})) if (typeof value === 'string') query[name] = value;
  return { method, headers, query, rawBody: req.rawBody ?? Buffer.alloc(0), receivedAt: new Date() };
}
