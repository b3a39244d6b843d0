import type { Conversation } from '../../api/types';

/** Why the operator cannot answer this conversation now, or undefined when they can. */
export function replyBlocker(c: Conversation, operatorId: string): string | undefined {
  if (c.status === 'closed') return 'This conversation is closed. A new customer message will bring it back.';
  if (c.blocked) return 'The customer blocked messages from this channel; replies are refused.';
  if (c.status === 'queued') return 'Accept the conversation to reply.';
  if (c.assigneeId !== operatorId) return 'Another operator is handling this conversation.';
  return undefined;
}
