import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { LoggedEvent, MessageView } from '@parley/contracts';
import { Authenticated, CurrentOperator } from '../auth/auth.decorators';
import type { Operator } from '../operators/operator.model';
import { ConversationDto, ListConversationsQueryDto, LoggedEventDto, MessageDto, ReplyDto } from './conversations.dto';
import { ConversationsService, type Conversation } from './conversations.service';

@ApiTags('conversations')
@Controller('api/conversations')
@Authenticated()
export class ConversationsController {
  constructor(@Inject(ConversationsService) private readonly conversations: ConversationsService) {}

  @Get()
  @ApiOperation({ summary: 'Conversations of the caller’s lines (supervisors and admins: all), most recent activity first' })
  @ApiOkResponse({ type: [ConversationDto] })
  @ApiForbiddenResponse({ description: 'NOT_A_LINE_MEMBER: lineId is not one of the caller’s lines' })
  list(@CurrentOperator() operator: Operator, @Query() query: ListConversationsQueryDto): Promise<Conversation[]> {
    return this.conversations.list(operator, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One conversation' })
  @ApiOkResponse({ type: ConversationDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND' })
  @ApiForbiddenResponse({ description: 'NOT_A_LINE_MEMBER' })
  get(@CurrentOperator() operator: Operator, @Param('id', ParseUUIDPipe) id: string): Promise<Conversation> {
    return this.conversations.get(operator, id);
  }

  @Get(':id/messages')
  @ApiOperation({ summary: 'The whole history, oldest first' })
  @ApiOkResponse({ type: [MessageDto] })
  messages(@CurrentOperator() operator: Operator, @Param('id', ParseUUIDPipe) id: string): Promise<MessageView[]> {
    return this.conversations.messages(operator, id);
  }

  @Get(':id/log')
  @ApiOperation({ summary: 'The conversation’s events from the event store' })
  @ApiOkResponse({ type: [LoggedEventDto] })
  log(@CurrentOperator() operator: Operator, @Param('id', ParseUUIDPipe) id: string): Promise<LoggedEvent[]> {
    return this.conversations.log(operator, id);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Take a queued conversation (operators: of their lines; supervisors and admins: any)' })
  @ApiOkResponse({ type: ConversationDto })
  @ApiConflictResponse({ description: 'ALREADY_ASSIGNED, CONVERSATION_CLOSED' })
  @ApiForbiddenResponse({ description: 'NOT_A_LINE_MEMBER' })
  accept(@CurrentOperator() operator: Operator, @Param('id', ParseUUIDPipe) id: string): Promise<Conversation> {
    return this.conversations.accept(operator, id);
  }

  @Post(':id/replies')
  @HttpCode(202)
  @ApiOperation({ summary: 'Answer (status pending; delivered/failed arrive as live events)' })
  @ApiAcceptedResponse({ type: MessageDto })
  @ApiConflictResponse({ description: 'CONVERSATION_CLOSED, RECIPIENT_BLOCKED' })
  @ApiForbiddenResponse({ description: 'NOT_ASSIGNED_TO_YOU, CANNOT_INITIATE' })
  reply(@CurrentOperator() operator: Operator, @Param('id', ParseUUIDPipe) id: string, @Body() body: ReplyDto): Promise<MessageView> {
    return this.conversations.reply(operator, id, body);
  }

  @Post(':id/close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close the conversation (operators: theirs or an untaken one of their lines; supervisors and admins: any)' })
  @ApiOkResponse({ type: ConversationDto })
  @ApiForbiddenResponse({ description: 'NOT_A_LINE_MEMBER, NOT_ASSIGNED_TO_YOU' })
  close(@CurrentOperator() operator: Operator, @Param('id', ParseUUIDPipe) id: string): Promise<Conversation> {
    return this.conversations.close(operator, id);
  }
}
