import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { ChannelStatuses, ChannelTypes, type ChannelStatus, type ChannelType } from '@parley/contracts';

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

  @ApiProperty({ description: 'The messenger’s id of the account (VK community id, …)' })
  externalId!: string;

  @ApiProperty({ description: 'Paste into the messenger’s webhook settings' })
  webhookUrl!: string;

  @ApiProperty()
  createdAt!: string;
}

export class VkChannelSettingsDto {
  @ApiProperty({ description: 'Community id (VK gives it as a number; a numeric string is accepted too)', example: '123456' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value))
  @IsString()
  @Matches(/^[1-9][0-9]{0,15}$/, { message: 'groupId must be a positive community id' })
  groupId!: string;

  @ApiProperty({ description: 'The string the Callback API confirmation must answer' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  confirmation!: string;

  @ApiProperty({ description: 'Callback API secret key' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  secret!: string;

  @ApiProperty({ description: 'Community access token (messages, photos, docs)' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  token!: string;
}

export class ConnectChannelDto {
  @ApiProperty({ enum: ['vk'], description: 'Messenger; only VK so far' })
  @IsIn(['vk'])
  type!: 'vk';

  @ApiProperty({ minLength: 1, maxLength: 120 })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name!: string;

  @ApiProperty({ type: VkChannelSettingsDto })
  @ValidateNested()
  @Type(() => VkChannelSettingsDto)
  settings!: VkChannelSettingsDto;
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
