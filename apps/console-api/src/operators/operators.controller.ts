import { Body, Controller, Get, Inject, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/auth.decorators';
import type { Operator } from './operator.model';
import { CreateOperatorDto, OperatorDto } from './operators.dto';
import { OperatorsService } from './operators.service';

@ApiTags('admin')
@Controller('api/operators')
@Authenticated('admin')
export class OperatorsController {
  constructor(@Inject(OperatorsService) private readonly operators: OperatorsService) {}

  @Post()
  @ApiOperation({ summary: 'Create an operator account' })
  @ApiCreatedResponse({ type: OperatorDto })
  @ApiConflictResponse({ description: 'CONFLICT: the email exists' })
  create(@Body() body: CreateOperatorDto): Promise<Operator> {
    return this.operators.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'All operator accounts' })
  @ApiOkResponse({ type: [OperatorDto] })
  list(): Promise<Operator[]> {
    return this.operators.list();
  }
}
