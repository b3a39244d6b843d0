import {
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { jetstreamManager } from '@nats-io/jetstream';
import type { Envelope } from '@parley/contracts';
import type { DeliveryContext } from './event-consumer';
import { handlerRegistrations } from './handler-decorators';
import { JetStreamPublisher } from './jetstream-publisher';
import { nestMessagingLogger } from './logger';
import { MessagingHost, type MessagingHealthStatus } from './messaging-host';
import type { MessagingOptions } from './messaging-options';
import { MessagingConnection } from './nats-connection';
import { provisionStreams } from './provisioning';
import { RequestClient } from './request-client';
import type { RequestContext } from './request-responder';

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

/** The health endpoint's view of messaging (inject `MessagingHealth`, call `check()`). */
@Injectable()
export class MessagingHealth {
  constructor(@Inject(MessagingHost) private readonly host: MessagingHost) {}

  check(): MessagingHealthStatus {
    return this.host.health();
  }
}

/** Finds `@OnEvent`/`@OnRequest` methods at bootstrap, starts them, stops them and drains at shutdown. */
@Injectable()
class MessagingExplorer implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MessagingHost) private readonly host: MessagingHost,
    @Inject(MessagingConnection) private readonly connection: MessagingConnection,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    for (const wrapper of wrappers) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      for (const reg of handlerRegistrations((instance as { constructor: object }).constructor)) {
        const method = (instance as Record<string | symbol, unknown>)[reg.method];
        if (typeof method !== 'function') continue;
        if (reg.kind === 'event') {
          await this.host.addEventHandler(reg.definition, reg.options, (envelope: Envelope<object>, delivery: DeliveryContext) =>
            (method as (e: Envelope<object>, d: DeliveryContext) => unknown).call(instance, envelope, delivery),
          );
        } else {
          await this.host.addRequestHandler(reg.definition, reg.options, (envelope: Envelope<object>, request: RequestContext) =>
            (method as (e: Envelope<object>, r: RequestContext) => object | Promise<object>).call(instance, envelope, request),
          );
        }
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.host.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.drain();
  }
}

export interface MessagingModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: InjectionToken[];
  useFactory(...args: never[]): MessagingOptions | Promise<MessagingOptions>;
}

/**
 * JetStream for a Parley service: one connection (reconnects forever), the streams provisioned before any user code
 * runs, `JetStreamPublisher`, `RequestClient` and `MessagingHealth` injectable everywhere, and every
 * `@OnEvent`/`@OnRequest` method started at bootstrap.
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return MessagingModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: MessagingModuleAsyncOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule, ...(options.imports ?? [])],
      providers: [
        { provide: MESSAGING_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        {
          provide: MessagingConnection,
          inject: [MESSAGING_OPTIONS],
          useFactory: async (opts: MessagingOptions) => {
            const connection = await MessagingConnection.connect({ ...opts, logger: opts.logger ?? nestMessagingLogger() });
            if (opts.provisionStreams !== false) {
              await provisionStreams(
                await jetstreamManager(connection.nc),
                connection.logger,
                typeof opts.provisionStreams === 'object' ? opts.provisionStreams : {},
              );
            }
            return connection;
          },
        },
        {
          provide: JetStreamPublisher,
          inject: [MessagingConnection],
          useFactory: (connection: MessagingConnection) => new JetStreamPublisher(connection),
        },
        {
          provide: RequestClient,
          inject: [MessagingConnection, MESSAGING_OPTIONS],
          useFactory: (connection: MessagingConnection, opts: MessagingOptions) =>
            new RequestClient(connection, opts.requestTimeoutMs ?? 5_000),
        },
        {
          provide: MessagingHost,
          inject: [MessagingConnection, JetStreamPublisher, MESSAGING_OPTIONS],
          useFactory: (connection: MessagingConnection, publisher: JetStreamPublisher, opts: MessagingOptions) =>
            new MessagingHost(connection, publisher, opts),
        },
        MessagingHealth,
        MessagingExplorer,
      ],
      exports: [MessagingConnection, JetStreamPublisher, RequestClient, MessagingHealth, MessagingHost],
    };
  }
}
