import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { OperatorRoles, type OperatorRole } from './operator.model';

export class OperatorDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: OperatorRoles })
  role!: OperatorRole;
}

export class CreateOperatorDto {
  @ApiProperty()
  @IsEmail({ require_tld: false })
  @MaxLength(254)
  email!: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name!: string;

  @ApiProperty({ format: 'password', minLength: 8 })
  @IsString()
  @MinLength(8)
  @MaxLength(1024)
  password!: string;

  @ApiProperty({ enum: OperatorRoles })
  @IsIn(OperatorRoles)
  role!: OperatorRole;
}

export class UpdateOperatorDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name?: string;

  @ApiPropertyOptional({ enum: OperatorRoles })
  @IsOptional()
  @IsIn(OperatorRoles)
  role?: OperatorRole;
}
