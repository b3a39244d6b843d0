import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { AttachmentKinds, ChannelTypes, ConversationStatuses, type ConversationStatus } from '@parley/contracts';

export class ConversationContactDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  displayName!: string;

  @ApiPropertyOptional({ description: 'URL of the avatar (`/api/attachments/<id>`)' })
  avatarUrl?: string;
}

export class ConversationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) lineId!: string;
  @ApiProperty({ format: 'uuid' }) channelId!: string;
  @ApiProperty({ enum: ChannelTypes }) channelType!: string;
  @ApiProperty({ format: 'uuid' }) contactId!: string;
  @ApiProperty({ enum: ConversationStatuses }) status!: ConversationStatus;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) assigneeId!: string | null;
  @ApiProperty({ description: 'The customer blocked the channel: replies are refused' }) blocked!: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) previousConversationId!: string | null;
  @ApiProperty() openedAt!: string;
  @ApiProperty() lastMessageAt!: string;
  @ApiProperty() lastMessagePreview!: string;
  @ApiProperty() messageCount!: number;
  @ApiProperty() version!: number;
  @ApiPropertyOptional({ type: ConversationContactDto }) contact?: ConversationContactDto;
}

export class AttachmentDto {
  @ApiProperty({ description: 'Attachment id; bytes at GET /api/attachments/:id' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() mime!: string;
  @ApiProperty() size!: number;
  @ApiProperty({ description: 'Lowercase hex SHA-256' }) sha256!: string;
  @ApiProperty({ enum: AttachmentKinds }) kind!: string;
}

export class MessageAuthorDto {
  @ApiProperty({ enum: ['contact', 'operator', 'messenger', 'system'] }) kind!: string;
  @ApiPropertyOptional() id?: string;
}

export class MessageDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) conversationId!: string;
  @ApiProperty({ enum: ['inbound', 'outbound'] }) direction!: string;
  @ApiProperty({ type: MessageAuthorDto }) author!: MessageAuthorDto;
  @ApiProperty() text!: string;
  @ApiProperty({ type: [AttachmentDto] }) attachments!: AttachmentDto[];
  @ApiProperty({ enum: ['received', 'pending', 'delivered', 'failed', 'sent'] }) status!: string;
  @ApiPropertyOptional() failureCode?: string;
  @ApiPropertyOptional() failureReason?: string;
  @ApiPropertyOptional() externalMessageId?: string;
  @ApiPropertyOptional({ enum: ['delivered', 'seen', 'failed'], description: "The messenger's report after accepting a reply (Viber receipts)." })
  receipt?: string;
  @ApiPropertyOptional({ description: 'When the last receipt was reported.' }) receiptAt?: string;
  @ApiProperty() sentAt!: string;
  @ApiPropertyOptional({ description: 'When the customer last edited the message (the text is the edited one).' }) editedAt?: string;
}

export class LoggedEventDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() type!: string;
  @ApiProperty() version!: number;
  @ApiProperty() streamPosition!: number;
  @ApiProperty() occurredAt!: string;
  @ApiProperty({ type: Object }) data!: Record<string, unknown>;
}

export class ListConversationsQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  lineId?: string;

  @ApiPropertyOptional({ enum: ConversationStatuses })
  @IsOptional()
  @IsIn(ConversationStatuses)
  status?: ConversationStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  contactId?: string;
}

export class ReplyDto {
  @ApiProperty({ format: 'uuid', description: 'Client-generated; sending the same id twice is one reply' })
  @IsUUID()
  id!: string;

  @ApiPropertyOptional({ maxLength: 65536 })
  @IsOptional()
  @IsString()
  @MaxLength(65_536)
  text?: string;

  @ApiPropertyOptional({ type: [String], description: 'Ids from POST /api/attachments' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  attachmentIds?: string[];
}
