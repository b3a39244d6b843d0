import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { OperatorDto } from '../operators/operators.dto';

export class LoginDto {
  @ApiProperty({ example: 'admin@parley.local' })
  @IsEmail({ require_tld: false })
  email!: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;
}

export class LoginResultDto {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <accessToken>`; valid 12 h.' })
  accessToken!: string;

  @ApiProperty({ type: OperatorDto })
  operator!: OperatorDto;
}
