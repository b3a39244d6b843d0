import { applyFrameToConversations, emptyConversationList, previewOf, selectBucket, upsertConversation, upsertConversations } from './conversation-list';
import { conversation, frame, OPERATOR, OTHER_OPERATOR } from './fixtures';

const opened = frame(1, 'ConversationOpened', {
  conversationId: 'c-new',
  lineId: 'line-1',
  channelId: 'channel-1',
  channelType: 'vk',
  contactId: 'contact-1',
  previousConversationId: null,
});

describe('conversation list', () => {
  it('adds a conversation opened live to the queue', () => {
    const state = applyFrameToConversations(emptyConversationList, opened);
    expect(selectBucket(state, 'queue', OPERATOR).map((c) => c.id)).toEqual(['c-new']);
  });

  it('ignores a frame applied twice', () => {
    const appended = frame(2, 'MessageAppended', {
      conversationId: 'c-new',
      messageId: 'm-1',
      direction: 'inbound',
      author: { kind: 'contact', id: 'contact-1' },
      text: 'Hi there',
      attachments: [],
      sentAt: '2025-01-01T10:06:00.000Z',
    });
    const once = [opened, appended].reduce(applyFrameToConversations, emptyConversationList);
    const twice = [opened, appended, opened, appended].reduce(applyFrameToConversations, emptyConversationList);
    expect(twice).toEqual(once);
    expect(once.byId['c-new']).toMatchObject({ messageCount: 1, lastMessagePreview: 'Hi there', lastMessageAt: '2025-01-01T10:06:00.000Z' });
  });

  it('shows a customer message stamped in whole seconds as the preview when it follows a reply of the same second', () => {
    // Messengers stamp messages in whole seconds (VK, Telegram `date`): a customer who writes right after the
    // operator's reply at 10:06:00.400 is stamped 10:06:00.000, yet it is the newest message of the conversation.
    const reply = frame(2, 'ReplyRequested', { conversationId: 'c-new', replyId: 'r-1', operatorId: OPERATOR, text: 'Anything else?', attachments: [] }, '2025-01-01T10:06:00.400Z');
    const again = frame(3, 'MessageAppended', {
      conversationId: 'c-new',
      messageId: 'm-2',
      direction: 'inbound',
      author: { kind: 'contact', id: 'contact-1' },
      text: 'One more thing',
      attachments: [],
      sentAt: '2025-01-01T10:06:00.000Z',
    });
    const state = [opened, reply, again].reduce(applyFrameToConversations, emptyConversationList);
    expect(state.byId['c-new']).toMatchObject({ messageCount: 2, lastMessagePreview: 'One more thing', lastMessageAt: '2025-01-01T10:06:00.400Z' });
  });

  it('moves a conversation between buckets as it is accepted, closed and reopened', () => {
    let state = upsertConversation(emptyConversationList, conversation('c1'));
    state = applyFrameToConversations(state, frame(1, 'ConversationAccepted', { conversationId: 'c1', operatorId: OPERATOR, lineId: 'line-1' }));
    expect(selectBucket(state, 'mine', OPERATOR).map((c) => c.id)).toEqual(['c1']);
    expect(selectBucket(state, 'mine', OTHER_OPERATOR)).toEqual([]);
    expect(selectBucket(state, 'queue', OPERATOR)).toEqual([]);
    state = applyFrameToConversations(state, frame(2, 'ConversationClosed', { conversationId: 'c1' }));
    expect(selectBucket(state, 'closed', OPERATOR).map((c) => c.id)).toEqual(['c1']);
    state = applyFrameToConversations(state, frame(3, 'ConversationReopened', { conversationId: 'c1' }));
    expect(state.byId['c1']).toMatchObject({ status: 'queued', assigneeId: null });
  });

  it('records that the customer blocked the channel and lifts it', () => {
    let state = upsertConversation(emptyConversationList, conversation('c1'));
    state = applyFrameToConversations(state, frame(1, 'CustomerBlockRecorded', { conversationId: 'c1', blocked: true }));
    expect(state.byId['c1']?.blocked).toBe(true);
    state = applyFrameToConversations(state, frame(2, 'CustomerBlockRecorded', { conversationId: 'c1', blocked: false }));
    expect(state.byId['c1']?.blocked).toBe(false);
  });

  it('sorts by most recent activity, ties by id', () => {
    const state = upsertConversations(emptyConversationList, [
      conversation('b', { lastMessageAt: '2025-01-01T10:00:00.000Z' }),
      conversation('a', { lastMessageAt: '2025-01-01T10:00:00.000Z' }),
      conversation('c', { lastMessageAt: '2025-01-01T11:00:00.000Z' }),
    ]);
    expect(selectBucket(state, 'queue', OPERATOR).map((c) => c.id)).toEqual(['c', 'a', 'b']);
  });

  it('moves a conversation to the top when a message arrives', () => {
    let state = upsertConversations(emptyConversationList, [
      conversation('old', { lastMessageAt: '2025-01-01T09:00:00.000Z' }),
      conversation('new', { lastMessageAt: '2025-01-01T10:00:00.000Z' }),
    ]);
    state = applyFrameToConversations(
      state,
      frame(1, 'MessageAppended', {
        conversationId: 'old',
        messageId: 'm',
        direction: 'inbound',
        author: { kind: 'contact' },
        text: '',
        attachments: [{ id: 'a', name: 'photo.jpg', mime: 'image/jpeg', size: 1, sha256: 'x', kind: 'image' }],
        sentAt: '2025-01-01T10:30:00.000Z',
      }),
    );
    expect(selectBucket(state, 'queue', OPERATOR).map((c) => c.id)).toEqual(['old', 'new']);
    expect(state.byId['old']?.lastMessagePreview).toBe('Photo');
  });

  it('does not let an older snapshot undo a live change, but takes a newer one', () => {
    let state = upsertConversation(emptyConversationList, conversation('c1', { version: 2 }));
    state = applyFrameToConversations(state, frame(1, 'ConversationAccepted', { conversationId: 'c1', operatorId: OPERATOR, lineId: 'line-1' }));
    state = upsertConversation(state, conversation('c1', { version: 2, contact: { id: 'contact-c1', displayName: 'Ann' } }));
    expect(state.byId['c1']).toMatchObject({ status: 'assigned', contact: { displayName: 'Ann' } });
    state = upsertConversation(state, conversation('c1', { version: 4, status: 'closed', assigneeId: OPERATOR }));
    expect(state.byId['c1']).toMatchObject({ status: 'closed', contact: { displayName: 'Ann' } });
  });

  it('updates the contact profile on every conversation of the contact', () => {
    let state = upsertConversations(emptyConversationList, [
      conversation('c1', { contactId: 'k' }),
      conversation('c2', { contactId: 'k' }),
      conversation('c3', { contactId: 'other' }),
    ]);
    const update = frame(1, 'ContactProfileUpdated', { contactId: 'k', displayName: 'Ivan Petrov', avatarUrl: 'https://vk.example/a.jpg' });
    state = applyFrameToConversations(state, update);
    expect(applyFrameToConversations(state, update)).toBe(state);
    expect(state.byId['c1']?.contact?.displayName).toBe('Ivan Petrov');
    expect(state.byId['c2']?.contact?.avatarUrl).toBe('https://vk.example/a.jpg');
    expect(state.byId['c3']?.contact).toBeUndefined();
  });

  it('ignores frames about conversations it never loaded', () => {
    const state = applyFrameToConversations(emptyConversationList, frame(1, 'ConversationClosed', { conversationId: 'unknown' }));
    expect(state).toBe(emptyConversationList);
  });

  it('previews text, or the attachments when there is none', () => {
    expect(previewOf('  hi  ', [])).toBe('hi');
    expect(previewOf('', [])).toBe('');
    expect(previewOf('', [
      { id: '1', name: 'invoice.pdf', mime: 'application/pdf', size: 1, sha256: 'x', kind: 'file' },
      { id: '2', name: 'b.png', mime: 'image/png', size: 1, sha256: 'x', kind: 'image' },
    ])).toBe('File: invoice.pdf +1');
    expect(previewOf('x'.repeat(200), []).length).toBe(140);
  });
});
