import { InfraServiceConfig } from '@parley/service-kit';
import { IsInt, Max, Min } from 'class-validator';

/** The conversation-service's environment, validated at boot (`loadConfig`). */
export class ConversationServiceConfig extends InfraServiceConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 3102;
}

export const SERVICE_NAME = 'conversation-service';
/** The Postgres schema this service owns (event store + read models). */
export const SCHEMA = 'conversation';
