import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServiceMetricsOptions {
  service: string;
  /** Process metrics (RSS, heap, CPU, event-loop lag, GC): on by default. */
  collectDefaults?: boolean;
  /** Labels on every series besides `service`. */
  defaultLabels?: Record<string, string>;
}

export interface MetricOptions<L extends string> {
  /** Prefixed with `parley_` unless it already is. */
  name: string;
  help: string;
  labelNames?: readonly L[];
}

export interface HistogramOptions<L extends string> extends MetricOptions<L> {
  buckets?: number[];
}

/** Buckets for latencies in seconds: 1 ms … 10 s (webhook acks target p99 < 50 ms). */
export const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const METRIC_PREFIX = 'parley_';

/**
 * One Prometheus registry per service (never prom-client's global one, so tests and co-hosted apps do not
 * collide), labelled with `service`. Metric helpers are idempotent: asking twice for the same name returns the
 * same metric, which lets two modules share a counter without coordinating.
 */
export class ServiceMetrics {
  readonly registry = new Registry();

  constructor(readonly options: ServiceMetricsOptions) {
    this.registry.setDefaultLabels({ service: options.service, ...options.defaultLabels });
    if (options.collectDefaults ?? true) collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string = never>(options: MetricOptions<L>): Counter<L> {
    return this.getOrCreate(options.name, Counter, (name) => new Counter<L>({ ...this.base(name, options) }));
  }

  gauge<L extends string = never>(options: MetricOptions<L>): Gauge<L> {
    return this.getOrCreate(options.name, Gauge, (name) => new Gauge<L>({ ...this.base(name, options) }));
  }

  histogram<L extends string = never>(options: HistogramOptions<L>): Histogram<L> {
    return this.getOrCreate(
      options.name,
      Histogram,
      (name) => new Histogram<L>({ ...this.base(name, options), buckets: options.buckets ?? LATENCY_BUCKETS_SECONDS }),
    );
  }

  /** The exposition text for `/metrics`. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private base<L extends string>(name: string, options: MetricOptions<L>) {
    return { name, help: options.help, labelNames: options.labelNames ?? [], registers: [this.registry] };
  }

  private getOrCreate<M>(rawName: string, kind: abstract new (...args: never[]) => M, create: (name: string) => M): M {
    const name = prefixed(rawName);
    const existing = this.registry.getSingleMetric(name);
    if (existing === undefined) return create(name);
    if (existing instanceof kind) return existing;
    throw new Error(`metric ${name} is already registered with another type`);
  }
}

export function prefixed(name: string): string {
  return name.startsWith(METRIC_PREFIX) ? name : `${METRIC_PREFIX}${name}`;
}
