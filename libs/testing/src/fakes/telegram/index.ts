export { TelegramFake, type TgCustomerActionResult } from './telegram-fake.server';
export { TgApiError, TgErrors } from './telegram-fake.errors';
export type { TgLimitKind } from './telegram-fake.faults';
export type { TgBotState, TgChatState, TgFileKind, TgStoredFile } from './telegram-fake.store';
export type {
  TgApiCallRecord,
  TgAudio,
  TgBotSentMessage,
  TgChat,
  TgChatMember,
  TgChatMemberUpdated,
  TgContact,
  TgCustomerContent,
  TgCustomerSendInput,
  TgDocument,
  TgFakeBotConfig,
  TgFakeCustomerConfig,
  TgFakeOptions,
  TgFault,
  TgLocation,
  TgMessage,
  TgPhotoSize,
  TgRateLimitOptions,
  TgSentFile,
  TgSticker,
  TgUpdate,
  TgUpdateRecord,
  TgUser,
  TgVideo,
  TgVoice,
  TgWebhookAttempt,
  TgWebhookRetryPolicy,
} from './telegram-fake.types';
