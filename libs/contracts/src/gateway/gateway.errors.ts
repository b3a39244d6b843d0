/**
 * Error codes of a gateway's channel requests (connect/update/delete), next to `SendErrorCodes` (the `send`
 * request's). Every gateway built on `@parley/channel-kit` throws these; console-api maps them to HTTP with
 * `GatewayErrorHttpStatus`.
 */
export const GatewayErrorCodes = {
  /** The messenger refused the credentials (or they belong to another account): permanent until the admin fixes them. */
  CHANNEL_CHECK_FAILED: 'CHANNEL_CHECK_FAILED',
  /** The messenger account is connected already (one external account → one channel → one line). */
  CHANNEL_ALREADY_CONNECTED: 'CHANNEL_ALREADY_CONNECTED',
  /** The messenger accepted the credentials but refused to register Parley's webhook (Telegram setWebhook, Viber set_webhook). */
  WEBHOOK_REGISTRATION_FAILED: 'WEBHOOK_REGISTRATION_FAILED',
} as const;

export type GatewayErrorCode = (typeof GatewayErrorCodes)[keyof typeof GatewayErrorCodes];

/** HTTP status of each gateway error code (merged over the defaults by the gateways and by console-api). */
export const GatewayErrorHttpStatus: Readonly<Record<GatewayErrorCode, number>> = {
  CHANNEL_CHECK_FAILED: 422,
  CHANNEL_ALREADY_CONNECTED: 409,
  WEBHOOK_REGISTRATION_FAILED: 422,
};
