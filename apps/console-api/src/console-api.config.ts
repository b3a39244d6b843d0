import { InfraServiceConfig } from '@parley/service-kit';
import { IsEmail, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

export const SERVICE_NAME = 'console-api';

/** console-api's environment, validated at boot (a bad variable stops the app naming it). */
export class ConsoleApiConfig extends InfraServiceConfig {
  /**
   * HMAC key of the access tokens (at least 32 characters). When unset a random key is generated at boot: tokens
   * then die with the process and replicas do not accept each other's tokens — set it in production.
   */
  @IsOptional()
  @IsString()
  @MinLength(32)
  PARLEY_AUTH_SECRET?: string;

  @IsEmail({ require_tld: false })
  PARLEY_ADMIN_EMAIL: string = 'admin@parley.local';

  /** Password of the bootstrap admin; when unset one is generated and printed once, when the admin is created. */
  @IsOptional()
  @IsString()
  @MinLength(8)
  PARLEY_ADMIN_PASSWORD?: string;

  /** Access token lifetime. */
  @IsInt()
  @Min(60)
  @Max(7 * 24 * 3600)
  PARLEY_TOKEN_TTL_SECONDS: number = 12 * 3600;

  /** The console's static build, served at `/` with SPA fallback when the directory exists. */
  @IsString()
  CONSOLE_STATIC_DIR: string = 'dist/apps/console';

  /** Upload limit of `POST /api/attachments`. */
  @IsInt()
  @Min(1)
  ATTACHMENT_MAX_BYTES: number = 50 * 1024 * 1024;
}
