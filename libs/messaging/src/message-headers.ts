import { context, propagation, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';
import { Headers, type Envelope } from '@parley/contracts';

const setter: TextMapSetter<MsgHdrs> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

const getter: TextMapGetter<MsgHdrs | undefined> = {
  keys: (carrier) => (carrier ? carrier.keys() : []),
  get: (carrier, key) => {
    if (!carrier || !carrier.has(key)) return undefined;
    return carrier.get(key);
  },
};

/** Parley headers for an envelope: msg id (de-duplication), type, version, correlation, causation, trace context. */
export function envelopeHeaders(envelope: Envelope, activeContext: Context = context.active()): MsgHdrs {
  const h = natsHeaders();
  h.set(Headers.MSG_ID, envelope.id);
  h.set(Headers.TYPE, envelope.type);
  h.set(Headers.VERSION, String(envelope.version));
  h.set(Headers.CORRELATION_ID, envelope.correlationId);
  if (envelope.causationId) h.set(Headers.CAUSATION_ID, envelope.causationId);
  injectTraceContext(h, activeContext);
  return h;
}

/** Writes W3C `traceparent`/`tracestate` of `activeContext` (no-op without a registered propagator). */
export function injectTraceContext(h: MsgHdrs, activeContext: Context = context.active()): void {
  propagation.inject(activeContext, h, setter);
}

/** The producer's trace context carried by a message (ROOT-based when it carries none). */
export function extractTraceContext(h: MsgHdrs | undefined, base: Context = context.active()): Context {
  return propagation.extract(base, h, getter);
}

/** Plain headers → MsgHdrs (for raw publishes). */
export function toMsgHdrs(record: Record<string, string> | undefined): MsgHdrs {
  const h = natsHeaders();
  for (const [k, v] of Object.entries(record ?? {})) h.set(k, v);
  return h;
}

/** MsgHdrs → plain record (first value of each key). */
export function headersToRecord(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const key of h.keys()) out[key] = h.get(key);
  return out;
}
