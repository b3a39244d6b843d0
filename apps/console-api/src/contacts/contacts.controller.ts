import { Controller, Get, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { GetContactV1, newCorrelation, type MessengerIdentity } from '@parley/contracts';
import { RequestClient } from '@parley/messaging';
import { Authenticated, CurrentOperator } from '../auth/auth.decorators';
import { ConversationDto } from '../conversations/conversations.dto';
import { avatarUrl, ConversationsService, type Conversation } from '../conversations/conversations.service';
import type { Operator } from '../operators/operator.model';

class IdentityDto {
  @ApiProperty({ format: 'uuid' }) channelId!: string;
  @ApiProperty() channelType!: string;
  @ApiProperty() externalUserId!: string;
}

class ContactDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() displayName!: string;
  @ApiPropertyOptional() avatarUrl?: string;
  @ApiProperty({ type: [IdentityDto] }) identities!: IdentityDto[];
  @ApiProperty({ type: [ConversationDto], description: 'Only those of the caller’s lines (admins: all)' })
  conversations!: ConversationDto[];
}

export interface ContactCard {
  id: string;
  displayName: string;
  avatarUrl?: string;
  identities: MessengerIdentity[];
  conversations: Conversation[];
}

@ApiTags('contacts')
@Controller('api/contacts')
@Authenticated()
export class ContactsController {
  constructor(
    @Inject(RequestClient) private readonly requests: RequestClient,
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: 'A contact with its identities and conversations' })
  @ApiOkResponse({ type: ContactDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND' })
  async get(@CurrentOperator() operator: Operator, @Param('id', ParseUUIDPipe) id: string): Promise<ContactCard> {
    const [contact, conversations] = await Promise.all([
      this.requests.request(GetContactV1, { contactId: id }, newCorrelation()),
      this.conversations.list(operator, { contactId: id }),
    ]);
    const url = avatarUrl(contact);
    return {
      id: contact.id,
      displayName: contact.displayName,
      ...(url ? { avatarUrl: url } : {}),
      identities: contact.identities,
      conversations: conversations.map(({ contact: _omit, ...c }) => c),
    };
  }
}
