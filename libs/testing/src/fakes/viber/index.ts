export { ViberFake } from './viber-fake.server';
export { ViberStatus, ViberStatusError, toViberJson, viberSignature } from './viber-fake.json';
export { VIBER_TINY_PNG, VIBER_ALL_EVENT_TYPES } from './viber-fake.store';
export type {
  CustomerMessageInput,
  ViberApiCallRecord,
  ViberCallbackAttempt,
  ViberCallbackDelivery,
  ViberCallbackRetryPolicy,
  ViberFakeBotConfig,
  ViberFakeOptions,
  ViberFakeUserConfig,
  ViberFault,
  ViberInMessage,
  ViberSentMessage,
  ViberUser,
  WriteAsCustomerInput as ViberWriteAsCustomerInput,
} from './viber-fake.types';
