import { conversation, frame, message, OPERATOR } from './fixtures';
import { initialWorkspace, workspaceReducer, type WorkspaceAction } from './workspace-state';

describe('workspace reducer', () => {
  it('routes a frame to both the conversation list and the open conversation', () => {
    const actions: WorkspaceAction[] = [
      { type: 'conversations-loaded', conversations: [conversation('c1')] },
      { type: 'open', conversationId: 'c1' },
      { type: 'messages-loaded', conversationId: 'c1', messages: [message('m1', 'c1')] },
      {
        type: 'frame',
        frame: frame(1, 'MessageAppended', {
          conversationId: 'c1',
          messageId: 'm2',
          direction: 'inbound',
          author: { kind: 'contact' },
          text: 'second',
          attachments: [],
          sentAt: '2025-01-01T10:01:00.000Z',
        }),
      },
    ];
    const state = actions.reduce(workspaceReducer, initialWorkspace);
    expect(state.open?.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(state.conversations.byId['c1']).toMatchObject({ messageCount: 2, lastMessagePreview: 'second' });
  });

  it('drops a late snapshot of a conversation that is no longer open', () => {
    let state = workspaceReducer(initialWorkspace, { type: 'open', conversationId: 'c1' });
    state = workspaceReducer(state, { type: 'open', conversationId: 'c2' });
    const before = state;
    state = workspaceReducer(state, { type: 'messages-loaded', conversationId: 'c1', messages: [message('m1', 'c1')] });
    expect(state).toBe(before);
  });

  it('returns the same state for a frame that changes nothing', () => {
    const state = workspaceReducer(initialWorkspace, { type: 'conversations-loaded', conversations: [conversation('c1', { status: 'assigned', assigneeId: OPERATOR })] });
    const accepted = frame(1, 'ConversationAccepted', { conversationId: 'c1', operatorId: OPERATOR, lineId: 'line-1' });
    expect(workspaceReducer(state, { type: 'frame', frame: accepted })).toBe(state);
  });
});
