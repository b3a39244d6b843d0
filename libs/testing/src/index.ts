export { freePort } from './free-port';
export { startSlowLink, type SlowLink } from './slow-link';
export { waitFor, WaitTimeoutError, type WaitForOptions } from './wait-for';
export { NatsServer, natsServerBinary, type NatsServerOptions } from './nats-server';
export { EmbeddedPostgres, createDatabase, dropDatabase, withDatabase, type EmbeddedPostgresOptions } from './postgres';
export { createTestDatabase, startTestNats, testPostgresAdminUrl, type TestDatabase } from './test-env';
export * from './fakes/vk';
export * from './fakes/viber';
export { EventRecorder, type RecordedEvent, type EventRecorderOptions } from './event-recorder';
