import type { ServiceMetrics } from '@parley/observability';
import type { Counter, Gauge, Histogram } from 'prom-client';

/** The dispatcher's Prometheus series. */
export class DispatcherMetrics {
  readonly sends: Counter<'channel_type' | 'result'>;
  readonly failures: Counter<'channel_type' | 'code'>;
  readonly retries: Counter<'channel_type' | 'code'>;
  readonly queueDepth: Gauge<'status'>;
  readonly sendLatency: Histogram<'channel_type'>;
  readonly deliveryLatency: Histogram<'channel_type'>;

  constructor(metrics: ServiceMetrics) {
    this.sends = metrics.counter({ name: 'dispatcher_sends_total', help: 'Gateway send attempts by result (ok|error).', labelNames: ['channel_type', 'result'] });
    this.failures = metrics.counter({
      name: 'dispatcher_failures_total',
      help: 'Replies that ended failed, by code (RETRIES_EXHAUSTED or a permanent send error).',
      labelNames: ['channel_type', 'code'],
    });
    this.retries = metrics.counter({ name: 'dispatcher_retries_total', help: 'Retries scheduled, by the error that caused them.', labelNames: ['channel_type', 'code'] });
    this.queueDepth = metrics.gauge({ name: 'dispatcher_queue_depth', help: 'Open replies by status (pending|sending).', labelNames: ['status'] });
    this.sendLatency = metrics.histogram({ name: 'dispatcher_send_duration_seconds', help: 'Duration of one gateway send request.', labelNames: ['channel_type'] });
    this.deliveryLatency = metrics.histogram({
      name: 'dispatcher_delivery_latency_seconds',
      help: 'From recording a reply to its delivery (retries and rate-limit waits included).',
      labelNames: ['channel_type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
    });
  }
}
