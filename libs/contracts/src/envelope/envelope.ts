import { IsISO8601, IsInt, IsObject, IsOptional, IsString, IsUUID, Matches, Min } from 'class-validator';
import { v7 as uuidv7 } from 'uuid';

/**
 * Every message on the wire is an envelope. `data` is the message's own payload, validated by the class its
 * definition names; the envelope fields are the same for every message.
 */
export interface Envelope<TData = unknown, TType extends string = string> {
  /** Unique id of this message, a UUID v7 (time-ordered). Also the `Nats-Msg-Id`, so JetStream de-duplicates re-publishes. */
  id: string;
  /** The message type, PascalCase, e.g. `MessageReceived`. Never changes for a given shape. */
  type: TType;
  /** The shape version of `data`; the subject ends in `.v<version>`. */
  version: number;
  /** When the fact happened (ISO-8601, UTC), not when it was published. */
  occurredAt: string;
  /** Id shared by every message caused, directly or not, by one outside stimulus (a webhook, an operator's click). */
  correlationId: string;
  /** Id of the message that directly caused this one; `null` for the first message of a correlation. */
  causationId: string | null;
  data: TData;
}

/** The envelope's own validation (the factory validates `data` with the message's class separately). */
export class EnvelopeShape {
  @IsUUID()
  id!: string;

  @IsString()
  @Matches(/^[A-Z][A-Za-z0-9]*$/, { message: 'type must be PascalCase' })
  type!: string;

  @IsInt()
  @Min(1)
  version!: number;

  @IsISO8601({ strict: true })
  occurredAt!: string;

  @IsString()
  correlationId!: string;

  @IsOptional()
  @IsString()
  causationId!: string | null;

  @IsObject()
  data!: object;
}

/** A new, time-ordered message id. */
export function newMessageId(): string {
  return uuidv7();
}
