import type { JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';
import { deadLetterSubject, Headers } from '@parley/contracts';
import type { JetStreamPublisher, PublishReceipt } from './jetstream-publisher';
import { headersToRecord } from './message-headers';

/** Header values must be one line; error messages may not be. */
function oneLine(value: string, max = 1_024): string {
  const flat = value.replace(/[\r\n]+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The headers of a dead letter: the original ones plus why and where it died. */
export function deadLetterHeaders(msg: JsMsg, error: { reason: string; code: string }): Record<string, string> {
  const original: MsgHdrs = msg.headers ?? natsHeaders();
  const out = headersToRecord(original);
  out[Headers.DLQ_ERROR] = oneLine(error.reason);
  out[Headers.DLQ_ERROR_CODE] = error.code;
  out[Headers.DLQ_SUBJECT] = msg.subject;
  out[Headers.DLQ_STREAM] = msg.info.stream;
  out[Headers.DLQ_STREAM_SEQ] = String(msg.info.streamSequence);
  out[Headers.DLQ_CONSUMER] = msg.info.consumer;
  out[Headers.DLQ_DELIVERIES] = String(msg.info.deliveryCount);
  return out;
}

/**
 * Copies a message to `parley.dlq.<consumer>` with its original body. The copy's msg id is derived from the
 * original's stream position, so a dead letter published twice (term lost in a disconnect) is stored once.
 */
export function publishDeadLetter(
  publisher: JetStreamPublisher,
  msg: JsMsg,
  error: { reason: string; code: string },
): Promise<PublishReceipt> {
  return publisher.publishRaw({
    subject: deadLetterSubject(msg.info.consumer),
    data: msg.data,
    msgId: `dlq:${msg.info.stream}:${msg.info.consumer}:${msg.info.streamSequence}`,
    headers: deadLetterHeaders(msg, error),
  });
}
