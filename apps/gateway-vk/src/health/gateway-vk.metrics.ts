import { Inject, Injectable } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';
import { ServiceMetrics } from '@parley/observability';

/** gateway-vk's own series (besides process metrics). */
@Injectable()
export class GatewayVkMetrics {
  /** Webhooks by VK event type and outcome (`published`, `duplicate`, `ignored`, `forbidden`, `invalid`, `retry`, …). */
  readonly webhooks: Counter<'type' | 'outcome'>;
  /** Time from a webhook's arrival to its answer (the `ok` waits for JetStream's PubAck). */
  readonly ackLatency: Histogram<'outcome'>;
  /** `messages.send` requests by outcome (`sent`, `duplicate`, or the error code). */
  readonly sends: Counter<'outcome'>;
  /** Messages published by backfills. */
  readonly backfilled: Counter<never>;

  constructor(@Inject(ServiceMetrics) metrics: ServiceMetrics) {
    this.webhooks = metrics.counter({ name: 'vk_webhooks_total', help: 'VK Callback API requests by type and outcome', labelNames: ['type', 'outcome'] });
    this.ackLatency = metrics.histogram({ name: 'vk_webhook_ack_seconds', help: 'VK webhook answer latency', labelNames: ['outcome'] });
    this.sends = metrics.counter({ name: 'vk_sends_total', help: 'VK sends by outcome', labelNames: ['outcome'] });
    this.backfilled = metrics.counter({ name: 'vk_backfilled_messages_total', help: 'Customer messages published by backfills' });
  }
}
