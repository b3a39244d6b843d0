import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { SessionRuleModes, type SessionRuleMode } from '@parley/contracts';

export class SessionRuleDto {
  @ApiProperty({ enum: SessionRuleModes, description: '`reopen` the closed conversation, or open a `new` one linked to it' })
  @IsIn(SessionRuleModes)
  mode!: SessionRuleMode;

  @ApiPropertyOptional({ minimum: 1, maximum: 8760, description: '`reopen` only within this many hours of closing' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(24 * 365)
  reopenWithinHours?: number;
}

export class LineDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: SessionRuleDto })
  sessionRule!: SessionRuleDto;

  @ApiProperty({ type: [String], format: 'uuid' })
  memberIds!: string[];
}

export class CreateLineDto {
  @ApiProperty({ minLength: 1, maxLength: 120 })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name!: string;

  @ApiProperty({ type: SessionRuleDto })
  @ValidateNested()
  @Type(() => SessionRuleDto)
  sessionRule!: SessionRuleDto;
}

export class UpdateLineDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 120 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name?: string;

  @ApiPropertyOptional({ type: SessionRuleDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SessionRuleDto)
  sessionRule?: SessionRuleDto;
}

export class SetLineMembersDto {
  @ApiProperty({ type: [String], format: 'uuid' })
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsUUID('all', { each: true })
  operatorIds!: string[];
}
