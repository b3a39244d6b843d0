import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentOperator } from '../auth/auth.decorators';
import { CONFIGURE, READ_CONFIGURATION } from '../auth/role-policy';
import { LiveHub } from '../live/live-hub.service';
import type { Operator } from './operator.model';
import { CreateOperatorDto, OperatorDto, UpdateOperatorDto } from './operators.dto';
import { OperatorsService } from './operators.service';

@ApiTags('admin')
@Controller('api/operators')
export class OperatorsController {
  constructor(
    @Inject(OperatorsService) private readonly operators: OperatorsService,
    @Inject(LiveHub) private readonly hub: LiveHub,
  ) {}

  @Post()
  @Authenticated(...CONFIGURE)
  @ApiOperation({ summary: 'Create an operator account' })
  @ApiCreatedResponse({ type: OperatorDto })
  @ApiConflictResponse({ description: 'CONFLICT: the email exists' })
  create(@Body() body: CreateOperatorDto): Promise<Operator> {
    return this.operators.create(body);
  }

  @Get()
  @Authenticated(...READ_CONFIGURATION)
  @ApiOperation({ summary: 'All operator accounts (admins and supervisors)' })
  @ApiOkResponse({ type: [OperatorDto] })
  list(): Promise<Operator[]> {
    return this.operators.list();
  }

  @Patch(':id')
  @Authenticated(...CONFIGURE)
  @ApiOperation({ summary: 'Rename an operator or change their role (applies to their next request and their live socket at once)' })
  @ApiOkResponse({ type: OperatorDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND' })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: an admin cannot change their own role' })
  async update(@CurrentOperator() caller: Operator, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateOperatorDto): Promise<Operator> {
    const updated = await this.operators.update(caller, id, {
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(body.role === undefined ? {} : { role: body.role }),
    });
    // This replica's sockets at once; the others through NOTIFY (FeedNotifyListener).
    this.hub.operatorChanged(updated);
    return updated;
  }
}
