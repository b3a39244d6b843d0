import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { describeError, nestMessagingLogger, type MessagingLogger } from './logger';
import type { ConnectionOptions } from './messaging-options';

/**
 * The service's NATS connection: reconnects forever (the client's default gives up after 10 attempts, after which
 * a service would silently stop consuming), named after the service, status changes logged.
 */
export class MessagingConnection {
  private connected = true;
  private closedError: Error | undefined;

  private constructor(
    readonly nc: NatsConnection,
    readonly serviceName: string,
    readonly logger: MessagingLogger,
  ) {
    void this.watchStatus();
    void nc.closed().then((err) => {
      this.connected = false;
      if (err) {
        this.closedError = err;
        logger.error('nats connection closed with an error', { error: describeError(err) });
      } else {
        logger.info('nats connection closed');
      }
    });
  }

  static async connect(options: ConnectionOptions): Promise<MessagingConnection> {
    const logger = options.logger ?? nestMessagingLogger();
    const nc = await connect({
      servers: options.servers,
      name: options.serviceName,
      maxReconnectAttempts: -1,
      reconnectTimeWait: options.reconnectTimeWaitMs ?? 2_000,
      reconnectJitter: 500,
      // A first connect that fails is retried as well: a service may start before NATS does.
      waitOnFirstConnect: true,
      pingInterval: 20_000,
      // No Error (with a captured stack) made in advance for every request and ack: it was ~5 % of a busy
      // service's CPU in the benchmark. Timeouts still reject with an error, only without the caller's stack.
      noAsyncTraces: true,
      ...(options.user === undefined ? {} : { user: options.user }),
      ...(options.pass === undefined ? {} : { pass: options.pass }),
      ...(options.token === undefined ? {} : { token: options.token }),
    });
    logger.info('nats connected', { server: nc.getServer(), name: options.serviceName });
    return new MessagingConnection(nc, options.serviceName, logger);
  }

  /** True while the socket is up (false between a disconnect and the next reconnect, and after close). */
  get isConnected(): boolean {
    return this.connected && !this.nc.isClosed();
  }

  get isClosed(): boolean {
    return this.nc.isClosed();
  }

  get closeError(): Error | undefined {
    return this.closedError;
  }

  /** Flushes pending publishes, closes subscriptions gracefully and closes the connection. */
  async drain(): Promise<void> {
    if (this.nc.isClosed() || this.nc.isDraining()) return this.nc.closed().then(() => undefined);
    await this.nc.drain();
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      switch (status.type) {
        case 'disconnect':
          this.connected = false;
          this.logger.warn('nats disconnected', { server: status.server });
          break;
        case 'reconnecting':
          this.logger.debug('nats reconnecting');
          break;
        case 'reconnect':
          this.connected = true;
          this.logger.info('nats reconnected', { server: status.server });
          break;
        case 'ldm':
          this.logger.warn('nats server entering lame duck mode', { server: status.server });
          break;
        case 'staleConnection':
          this.logger.warn('nats connection stale');
          break;
        case 'slowConsumer':
          this.logger.warn('nats slow consumer', { subject: status.sub.getSubject(), pending: status.pending });
          break;
        case 'error':
          this.logger.error('nats async error', { error: describeError(status.error) });
          break;
        default:
          break;
      }
    }
  }
}
