import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Patch, Post, Put } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateLineV1, newCorrelation, SetLineMembersV1, UpdateLineV1, type LineView } from '@parley/contracts';
import { RequestClient } from '@parley/messaging';
import { Authenticated, CurrentOperator } from '../auth/auth.decorators';
import { CONFIGURE } from '../auth/role-policy';
import type { Operator } from '../operators/operator.model';
import { LineAccessService } from './line-access.service';
import { CreateLineDto, LineDto, SetLineMembersDto, UpdateLineDto } from './lines.dto';

/** Lines live in routing-service; this translates HTTP to its commands and queries. */
@ApiTags('lines')
@Controller('api/lines')
export class LinesController {
  constructor(
    @Inject(RequestClient) private readonly requests: RequestClient,
    @Inject(LineAccessService) private readonly access: LineAccessService,
  ) {}

  @Post()
  @Authenticated(...CONFIGURE)
  @ApiOperation({ summary: 'Create a line (a queue of operators)' })
  @ApiCreatedResponse({ type: LineDto })
  @ApiConflictResponse({ description: 'CONFLICT: the name is taken' })
  create(@Body() body: CreateLineDto): Promise<LineView> {
    return this.requests.request(CreateLineV1, { name: body.name, sessionRule: body.sessionRule }, newCorrelation());
  }

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Lines: all for supervisors and admins, the caller’s own for operators' })
  @ApiOkResponse({ type: [LineDto] })
  list(@CurrentOperator() operator: Operator): Promise<LineView[]> {
    return this.access.visibleLines(operator);
  }

  @Patch(':id')
  @Authenticated(...CONFIGURE)
  @ApiOperation({ summary: 'Rename a line or change its session rule' })
  @ApiOkResponse({ type: LineDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND' })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateLineDto): Promise<LineView> {
    return this.requests.request(
      UpdateLineV1,
      { lineId: id, ...(body.name === undefined ? {} : { name: body.name }), ...(body.sessionRule ? { sessionRule: body.sessionRule } : {}) },
      newCorrelation(),
    );
  }

  @Put(':id/members')
  @Authenticated(...CONFIGURE)
  @ApiOperation({ summary: 'Replace the operators of a line' })
  @ApiOkResponse({ type: LineDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND' })
  setMembers(@Param('id', ParseUUIDPipe) id: string, @Body() body: SetLineMembersDto): Promise<LineView> {
    return this.requests.request(SetLineMembersV1, { lineId: id, operatorIds: body.operatorIds }, newCorrelation());
  }
}
