import { Inject, Injectable } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { PARLEY_LOGGER } from '@parley/observability';
import type { WebhookRequest, WebhookVerdict } from '../adapter/channel-adapter';
import { ChannelRegistry, describe } from '../channels/channel-registry';
import { GatewayContext } from '../gateway/gateway-context';
import { InboundIntake } from '../inbound/inbound-intake';

/** What the controller answers the messenger. */
export interface WebhookResponse {
  status: number;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
  /**
   * For metrics and logs: `published`, `duplicate`, `ignored`, `disconnected`, `not-found`, `invalid`, `forbidden`,
   * `retry`, or the adapter's; the controller's `shed`, `caller-gone` (WebhookAdmission).
   */
  outcome: string;
  eventType: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Seconds a messenger is asked to wait before retrying a webhook Parley could not store. */
export const WEBHOOK_RETRY_AFTER_S = 1;

/**
 * A webhook for one channel:
 * - unknown or deleted channel → 404; the adapter's `reject` (bad signature/secret 401/403, garbage 400) and
 *   `respond` (handshakes) are answered as they are, nothing stored or published;
 * - a Disconnected channel → the adapter's success answer, nothing published (a refusal would make the messenger
 *   retry for hours; switching the channel back to Active backfills where the messenger has history);
 * - otherwise each item is de-duplicated, its media copied, published, and the answer sent only after every
 *   PubAck. A publish failure (or a transient media failure) → 503 with `Retry-After`, and the messenger retries.
 */
@Injectable()
export class WebhookPipeline {
  constructor(
    @Inject(GatewayContext) private readonly context: GatewayContext,
    @Inject(ChannelRegistry) private readonly registry: ChannelRegistry,
    @Inject(InboundIntake) private readonly intake: InboundIntake,
    @Inject(PARLEY_LOGGER) private readonly logger: PinoLogger,
  ) {}

  async handle(channelId: string, request: WebhookRequest): Promise<WebhookResponse> {
    let connection;
    try {
      connection = UUID.test(channelId) ? await this.registry.connection(channelId.toLowerCase()) : undefined;
    } catch (err: unknown) {
      this.logger.warn({ err: describe(err), channelId }, 'channel look-up failed; the messenger will retry');
      return retry('unknown');
    }
    if (!connection) return plain(404, 'not found', 'not-found', 'unknown');

    const adapter = this.context.adapter;
    let verdict: WebhookVerdict;
    try {
      if (request.method === 'GET') {
        if (!adapter.handshake) return plain(405, 'method not allowed', 'invalid', 'unknown');
        verdict = adapter.handshake(connection, request);
      } else {
        verdict = adapter.receive(connection, request);
      }
    } catch (err: unknown) {
      // An adapter bug must not drop the message: the messenger retries, the log says why.
      this.logger.error({ err: describe(err), channelId }, 'the adapter failed on a webhook');
      return retry('unknown');
    }
    if (verdict.kind === 'reject') {
      this.logger.warn({ channelId, status: verdict.status, reason: verdict.reason }, 'webhook refused');
      const body = verdict.status === 400 ? 'bad request' : verdict.status === 401 ? 'unauthorized' : 'forbidden';
      return plain(verdict.status, body, verdict.status === 400 ? 'invalid' : 'forbidden', verdict.eventType);
    }
    if (verdict.kind === 'respond') {
      return { status: verdict.status, body: verdict.body, contentType: verdict.contentType ?? 'text/plain', outcome: verdict.outcome, eventType: verdict.eventType };
    }
    const ok = verdict.answer ?? { status: 200, body: 'ok' };
    const success = (outcome: string): WebhookResponse => ({ status: ok.status, body: ok.body, contentType: ok.contentType ?? 'text/plain', outcome, eventType: verdict.eventType });
    if (connection.status !== 'active') return success('disconnected');
    if (verdict.items.length === 0) return success('ignored');

    try {
      const outcomes = [];
      for (const item of verdict.items) outcomes.push(await this.intake.ingest(connection, item));
      return success(outcomes.includes('published') ? 'published' : outcomes.includes('duplicate') ? 'duplicate' : 'ignored');
    } catch (err: unknown) {
      this.logger.warn({ err: describe(err), channelId, eventType: verdict.eventType }, 'webhook not stored; the messenger will retry');
      return retry(verdict.eventType);
    }
  }
}

function plain(status: number, body: string, outcome: string, eventType: string): WebhookResponse {
  return { status, body, contentType: 'text/plain', outcome, eventType };
}

function retry(eventType: string): WebhookResponse {
  return { ...plain(503, 'retry later', 'retry', eventType), headers: { 'retry-after': String(WEBHOOK_RETRY_AFTER_S) } };
}
