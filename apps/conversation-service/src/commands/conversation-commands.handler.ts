import { Inject, Injectable } from '@nestjs/common';
import {
  AcceptConversationV1,
  CloseConversationV1,
  RequestReplyV1,
  type AcceptConversation,
  type CloseConversation,
  type ConversationView,
  type Envelope,
  type MessageView,
  type RequestReply,
} from '@parley/contracts';
import { OnRequest } from '@parley/messaging';
import { ConversationCommandsService } from './conversation-commands.service';

/** The conversation commands over NATS request/reply (queue group `conversation-service`). */
@Injectable()
export class ConversationCommandsHandler {
  constructor(@Inject(ConversationCommandsService) private readonly commands: ConversationCommandsService) {}

  @OnRequest(AcceptConversationV1)
  accept(envelope: Envelope<AcceptConversation, 'AcceptConversation'>): Promise<ConversationView> {
    return this.commands.accept(envelope);
  }

  @OnRequest(RequestReplyV1)
  reply(envelope: Envelope<RequestReply, 'RequestReply'>): Promise<MessageView> {
    return this.commands.reply(envelope);
  }

  @OnRequest(CloseConversationV1)
  close(envelope: Envelope<CloseConversation, 'CloseConversation'>): Promise<ConversationView> {
    return this.commands.close(envelope);
  }
}
