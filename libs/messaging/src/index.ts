export { type BackoffPolicy, defaultBackoff, baseRetryDelayMs, retryDelayMs } from './backoff';
export { type Settlement, type SettlementPolicy, decideSettlement, isPoison, errorCode } from './settlement';
export { WorkQueue } from './work-queue';
export { type MessagingLogger, nestMessagingLogger } from './logger';
export {
  type ConnectionOptions,
  type ConsumerDefaults,
  type MessagingOptions,
  type StreamProvisioningOptions,
  defaultConsumer,
} from './messaging-options';
export { MessagingConnection } from './nats-connection';
export {
  type DurableConsumerSpec,
  provisionStreams,
  ensureStream,
  ensureDurableConsumer,
  durableConsumerConfig,
  parleyStreamConfigs,
  streamForSubject,
  subjectMatches,
} from './provisioning';
export {
  JetStreamPublisher,
  PublishBatchError,
  type PublishReceipt,
  type RawMessage,
} from './jetstream-publisher';
export { deadLetterHeaders } from './dead-letter';
export { envelopeHeaders, extractTraceContext, injectTraceContext } from './message-headers';
export { EventConsumer, type DeliveryContext, type EventConsumerSpec, type EventHandlerFn } from './event-consumer';
export { RequestResponder, type RequestContext, type RequestHandlerFn, toErrorBody } from './request-responder';
export { RequestClient, type RequestOptions, mapRequestError } from './request-client';
export { OnEvent, OnRequest, type OnEventOptions, type OnRequestOptions } from './handler-decorators';
export { MessagingHost, type MessagingHealthStatus, DEAD_LETTER_RESERVE_DELIVERIES } from './messaging-host';
export { MessagingModule, MessagingHealth, MESSAGING_OPTIONS, type MessagingModuleAsyncOptions } from './messaging.module';
