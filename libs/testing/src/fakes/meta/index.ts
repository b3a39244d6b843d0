export { MetaFake, META_FAKE_VERSION, PAGE_INBOX_APP_ID } from './meta-fake.server';
export { GraphApiError, type GraphErrorBody } from './meta-fake.errors';
export { metaSignature } from './meta-fake.webhook-sender';
export { META_TINY_PNG } from './meta-fake.store';
export type {
  CustomerAttachmentInput,
  MetaAccountConfig,
  MetaApiCallRecord,
  MetaAttachmentType,
  MetaFakeOptions,
  MetaFault,
  MetaMessagingEvent,
  MetaPlatform,
  MetaSentMessage,
  MetaUserConfig,
  MetaWebhookDelivery,
  MetaWebhookEntry,
  MetaWebhookRetryPolicy,
  MetaWriteAsCustomerInput,
} from './meta-fake.types';
