import type { Counter, Histogram } from 'prom-client';
import type { ServiceMetrics } from '@parley/observability';

/** A gateway's own series (besides process metrics): `parley_<prefix>_webhooks_total`, … */
export class GatewayMetrics {
  /** Webhooks by the messenger's event type and outcome (`published`, `duplicate`, `ignored`, `forbidden`, `invalid`, `retry`, …). */
  readonly webhooks: Counter<'type' | 'outcome'>;
  /** Time from a webhook's arrival to its answer (a success waits for JetStream's PubAck). */
  readonly ackLatency: Histogram<'outcome'>;
  /** Sends by outcome (`sent`, `duplicate`, or the error code). */
  readonly sends: Counter<'outcome'>;
  /** Messages published by backfills. */
  readonly backfilled: Counter<never>;

  constructor(metrics: ServiceMetrics, prefix: string, label: string) {
    this.webhooks = metrics.counter({ name: `${prefix}_webhooks_total`, help: `${label} webhook requests by type and outcome`, labelNames: ['type', 'outcome'] });
    this.ackLatency = metrics.histogram({ name: `${prefix}_webhook_ack_seconds`, help: `${label} webhook answer latency`, labelNames: ['outcome'] });
    this.sends = metrics.counter({ name: `${prefix}_sends_total`, help: `${label} sends by outcome`, labelNames: ['outcome'] });
    this.backfilled = metrics.counter({ name: `${prefix}_backfilled_messages_total`, help: 'Customer messages published by backfills' });
  }
}
