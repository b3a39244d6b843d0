import type { Conversation, Message } from '../api/types';
import type { LiveFrame } from '../live/live-events';
import { applyFrameToConversations, emptyConversationList, upsertConversations, type ConversationListState } from './conversation-list';
import {
  applyFrameToMessages,
  applySnapshot,
  emptyMessageList,
  removeMessage,
  upsertMessage,
  type ListedMessage,
  type MessageListState,
} from './message-list';

/** Everything the operator workspace shows, as one pure reducer (used with React's useReducer). */
export interface WorkspaceState {
  conversations: ConversationListState;
  openId: string | undefined;
  open: MessageListState | undefined;
}

export type WorkspaceAction =
  | { type: 'frame'; frame: LiveFrame }
  | { type: 'conversations-loaded'; conversations: readonly Conversation[] }
  | { type: 'open'; conversationId: string | undefined }
  | { type: 'messages-loaded'; conversationId: string; messages: readonly Message[] }
  | { type: 'message-upserted'; message: ListedMessage }
  | { type: 'message-removed'; conversationId: string; messageId: string };

export const initialWorkspace: WorkspaceState = { conversations: emptyConversationList, openId: undefined, open: undefined };

export function workspaceReducer(state: WorkspaceState, action: WorkspaceAction): WorkspaceState {
  switch (action.type) {
    case 'frame': {
      const conversations = applyFrameToConversations(state.conversations, action.frame);
      const open = state.open ? applyFrameToMessages(state.open, action.frame) : undefined;
      return conversations === state.conversations && open === state.open ? state : { ...state, conversations, open };
    }
    case 'conversations-loaded':
      return { ...state, conversations: upsertConversations(state.conversations, action.conversations) };
    case 'open':
      if (action.conversationId === state.openId) return state;
      return {
        ...state,
        openId: action.conversationId,
        open: action.conversationId ? emptyMessageList(action.conversationId) : undefined,
      };
    case 'messages-loaded':
      if (!state.open || state.open.conversationId !== action.conversationId) return state;
      return { ...state, open: applySnapshot(state.open, action.messages) };
    case 'message-upserted': {
      if (!state.open) return state;
      const open = upsertMessage(state.open, action.message);
      return open === state.open ? state : { ...state, open };
    }
    case 'message-removed': {
      if (!state.open || state.open.conversationId !== action.conversationId) return state;
      const open = removeMessage(state.open, action.messageId);
      return open === state.open ? state : { ...state, open };
    }
  }
}
