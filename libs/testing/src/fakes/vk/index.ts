export { VkFake, VK_FAKE_API_VERSION, type VkFakeWriteResult } from './vk-fake.server';
export { VkApiError, VkErrorMessages } from './vk-fake.errors';
export { TINY_PNG } from './vk-fake.store';
export type {
  ReplyFromCommunityInput,
  VkApiCallRecord,
  VkAttachment,
  VkCallbackAttempt,
  VkCallbackDelivery,
  VkCallbackRetryPolicy,
  VkCustomerAttachmentInput,
  VkDoc,
  VkErrorBody,
  VkFakeCommunityConfig,
  VkFakeOptions,
  VkFakeUserConfig,
  VkFault,
  VkMessage,
  VkPhoto,
  VkPhotoSize,
  VkRateLimitOptions,
  WriteAsCustomerInput,
} from './vk-fake.types';
