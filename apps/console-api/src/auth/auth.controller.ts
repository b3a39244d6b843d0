import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Operator } from '../operators/operator.model';
import { OperatorDto } from '../operators/operators.dto';
import { OperatorsService } from '../operators/operators.service';
import { AccessTokenService } from './access-token.service';
import { Authenticated, CurrentOperator } from './auth.decorators';
import { LoginDto, LoginResultDto } from './auth.dto';

@ApiTags('auth')
@Controller('api')
export class AuthController {
  constructor(
    @Inject(OperatorsService) private readonly operators: OperatorsService,
    @Inject(AccessTokenService) private readonly tokens: AccessTokenService,
  ) {}

  @Post('auth/login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with email and password' })
  @ApiOkResponse({ type: LoginResultDto })
  @ApiUnauthorizedResponse({ description: 'UNAUTHENTICATED: wrong email or password' })
  async login(@Body() body: LoginDto): Promise<LoginResultDto> {
    const operator = await this.operators.authenticate(body.email, body.password);
    return { accessToken: this.tokens.issue(operator), operator };
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'The logged-in operator' })
  @ApiOkResponse({ type: OperatorDto })
  me(@CurrentOperator() operator: Operator): Operator {
    return operator;
  }
}
