import { IsIn, IsInt, IsString, Matches, MaxLength, Min, MinLength } from 'class-validator';

export const AttachmentKinds = ['image', 'file', 'audio', 'video', 'sticker'] as const;
export type AttachmentKind = (typeof AttachmentKinds)[number];

/**
 * A file in the attachment store (JetStream Object Store bucket `parley-attachments`). Messages carry references,
 * never bytes.
 */
export class AttachmentRef {
  /** Object name in the bucket (a UUID). */
  @IsString()
  @MinLength(1)
  id!: string;

  /** Original file name, as the customer or operator gave it. */
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name!: string;

  /** MIME type, e.g. `image/jpeg`. */
  @IsString()
  @Matches(/^[\w.+-]+\/[\w.+-]+$/)
  mime!: string;

  /** Size in bytes. */
  @IsInt()
  @Min(0)
  size!: number;

  /** Lowercase hex SHA-256 of the content. */
  @Matches(/^[a-f0-9]{64}$/)
  sha256!: string;

  /** How consoles should show it: `image` inline, the rest as downloads. */
  @IsIn(AttachmentKinds)
  kind!: AttachmentKind;
}
