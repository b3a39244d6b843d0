import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { ChannelHealthStates, ChannelStatuses, ChannelTypeCatalog, ChannelTypes, type ChannelHealth, type ChannelStatus, type ChannelType } from '@parley/contracts';

export class ChannelDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ChannelTypes })
  type!: ChannelType;

  @ApiProperty({ format: 'uuid' })
  lineId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ChannelStatuses })
  status!: ChannelStatus;

  @ApiPropertyOptional({ enum: ChannelHealthStates, description: 'Absent: healthy' })
  health?: ChannelHealth;

  @ApiPropertyOptional({ description: 'Why the channel is degraded or deactivated' })
  healthReason?: string;

  @ApiProperty({ description: 'The messenger’s id of the account (VK community id, …)' })
  externalId!: string;

  @ApiPropertyOptional({ description: 'A link customers open to start a chat (Viber viber://pa?chatURI=…), for the company’s site' })
  customerLink?: string;

  @ApiProperty({ description: 'Paste into the messenger’s webhook settings' })
  webhookUrl!: string;

  @ApiProperty()
  createdAt!: string;
}

/** Types an admin can connect now (`ChannelTypeCatalog[type].connectable`). */
export const ConnectableChannelTypes = ChannelTypes.filter((t) => ChannelTypeCatalog[t].connectable);

export class ConnectChannelDto {
  @ApiProperty({ enum: ConnectableChannelTypes, description: 'Messenger (see GET /api/channel-types)' })
  @IsIn(ConnectableChannelTypes)
  type!: ChannelType;

  @ApiProperty({ minLength: 1, maxLength: 120 })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The type\'s settings fields (GET /api/channel-types): vk {groupId, confirmation, secret, token}, telegram {botToken}, …',
    example: { groupId: '123456', confirmation: 'c0nf1rm', secret: 'callback-secret', token: 'vk1.a.…' },
  })
  @IsObject()
  settings!: Record<string, unknown>;
}

export class ChannelSettingFieldDto {
  @ApiProperty()
  key!: string;

  @ApiProperty({ enum: ['text', 'secret', 'boolean', 'list'] })
  kind!: string;

  @ApiProperty()
  required!: boolean;

  @ApiPropertyOptional({ description: 'Regular expression the value must match' })
  pattern?: string;

  @ApiPropertyOptional()
  minLength?: number;

  @ApiPropertyOptional()
  maxLength?: number;

  @ApiPropertyOptional({ description: 'A number the messenger shows (a JSON number is accepted)' })
  numeric?: boolean;

  @ApiPropertyOptional({ description: 'DOM id part: <type>-<slug>' })
  slug?: string;
}

export class ChannelTypeDto {
  @ApiProperty({ enum: ChannelTypes })
  type!: ChannelType;

  @ApiProperty({ type: [ChannelSettingFieldDto] })
  settings!: ChannelSettingFieldDto[];
}

export class UpdateChannelDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 120 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name?: string;

  @ApiPropertyOptional({ description: 'true: Active (and fetch what was missed); false: Disconnected' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class ListChannelsQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  lineId?: string;
}
