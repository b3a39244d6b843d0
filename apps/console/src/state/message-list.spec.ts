import { applyFrameToMessages, applySnapshot, emptyMessageList, removeMessage, upsertMessage } from './message-list';
import { frame, message, OPERATOR } from './fixtures';

const C = 'conv-1';

const requested = frame(
  10,
  'ReplyRequested',
  { conversationId: C, replyId: 'r-1', operatorId: OPERATOR, text: 'We are on it', attachments: [] },
  '2025-01-01T10:10:00.000Z',
);
const delivered = frame(11, 'ReplyDelivered', { conversationId: C, replyId: 'r-1', externalMessageId: '555', deliveredAt: '2025-01-01T10:10:01.000Z' });
const failed = frame(11, 'ReplyFailed', { conversationId: C, replyId: 'r-1', code: 'RECIPIENT_BLOCKED', reason: 'The customer blocked the community' });

describe('message list', () => {
  it('keeps the history oldest first, whatever order messages arrive in', () => {
    let state = emptyMessageList(C);
    state = upsertMessage(state, message('m2', C, { sentAt: '2025-01-01T10:02:00.000Z' }));
    state = applySnapshot(state, [message('m1', C, { sentAt: '2025-01-01T10:01:00.000Z' }), message('m2', C, { sentAt: '2025-01-01T10:02:00.000Z' })]);
    state = applyFrameToMessages(
      state,
      frame(1, 'MessageAppended', {
        conversationId: C,
        messageId: 'm3',
        direction: 'outbound',
        author: { kind: 'messenger' },
        text: 'answered in VK',
        attachments: [],
        sentAt: '2025-01-01T10:03:00.000Z',
      }),
    );
    expect(state.loaded).toBe(true);
    expect(state.messages.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
    expect(state.messages[2]).toMatchObject({ direction: 'outbound', author: { kind: 'messenger' }, status: 'sent' });
  });

  it('follows a reply from pending to delivered, idempotently', () => {
    let state = applySnapshot(emptyMessageList(C), [message('m1', C)]);
    state = applyFrameToMessages(state, requested);
    expect(state.messages[1]).toMatchObject({ id: 'r-1', status: 'pending', author: { kind: 'operator', id: OPERATOR } });
    state = applyFrameToMessages(state, delivered);
    const afterDelivery = state;
    expect(state.messages[1]).toMatchObject({ status: 'delivered', externalMessageId: '555' });
    // A replayed request or delivery changes nothing: the status never moves backwards.
    state = applyFrameToMessages(state, requested);
    state = applyFrameToMessages(state, delivered);
    expect(state).toBe(afterDelivery);
  });

  it('shows why a reply failed', () => {
    let state = applyFrameToMessages(emptyMessageList(C), requested);
    state = applyFrameToMessages(state, failed);
    expect(state.messages[0]).toMatchObject({ status: 'failed', failureCode: 'RECIPIENT_BLOCKED', failureReason: 'The customer blocked the community' });
  });

  it('merges the optimistic copy with the server answer and the live event into one message', () => {
    let state = applySnapshot(emptyMessageList(C), []);
    state = upsertMessage(state, { ...message('r-1', C, { direction: 'outbound', status: 'pending', sentAt: '2025-01-01T10:09:59.000Z' }), local: true });
    state = upsertMessage(state, message('r-1', C, { direction: 'outbound', status: 'pending', sentAt: '2025-01-01T10:10:00.000Z' }));
    expect(state.messages).toHaveLength(1);
    expect(state.messages[0]).toMatchObject({ sentAt: '2025-01-01T10:10:00.000Z' });
    expect(state.messages[0]?.local).toBeUndefined();
    state = applyFrameToMessages(state, requested);
    state = applyFrameToMessages(state, delivered);
    expect(state.messages).toHaveLength(1);
    expect(state.messages[0]?.status).toBe('delivered');
  });

  it('keeps a delivery that arrives before its message and applies it when the message appears', () => {
    let state = applyFrameToMessages(emptyMessageList(C), delivered);
    expect(state.messages).toEqual([]);
    state = applySnapshot(state, [message('r-1', C, { direction: 'outbound', status: 'pending' })]);
    expect(state.messages[0]).toMatchObject({ status: 'delivered', externalMessageId: '555' });
    expect(state.earlyStatus).toEqual({});
  });

  it('ignores frames and messages of other conversations', () => {
    const state = emptyMessageList(C);
    expect(applyFrameToMessages(state, { ...requested, data: { ...requested.data, conversationId: 'other' } } as typeof requested)).toBe(state);
    expect(upsertMessage(state, message('x', 'other'))).toBe(state);
  });

  it('removes a reply that was refused', () => {
    const state = upsertMessage(emptyMessageList(C), message('r', C));
    expect(removeMessage(state, 'r').messages).toEqual([]);
    expect(removeMessage(state, 'missing')).toBe(state);
  });

  it('shows a customer\'s edit in place', () => {
    let state = applySnapshot(emptyMessageList(C), [message('m1', C, { text: 'helo' })]);
    state = applyFrameToMessages(state, frame(5, 'MessageEditRecorded', { conversationId: C, messageId: 'm1', text: 'hello', editedAt: '2025-01-01T10:06:00.000Z' }));
    expect(state.messages[0]).toMatchObject({ id: 'm1', text: 'hello', editedAt: '2025-01-01T10:06:00.000Z' });
    expect(applyFrameToMessages(state, frame(6, 'MessageEditRecorded', { conversationId: 'other', messageId: 'm1', text: 'x', editedAt: 'y' }))).toBe(state);
  });

  it('follows a Viber reply from sent to delivered to seen, never back, and shows a failed receipt with its reason', () => {
    const receipt = (seq: number, status: 'delivered' | 'seen' | 'failed', reason?: string) =>
      frame(seq, 'ReplyReceiptRecorded', { conversationId: C, replyId: 'r-1', status, receivedAt: `2025-01-01T10:10:0${seq - 10}.000Z`, ...(reason ? { reason } : {}) });
    let state = applySnapshot(emptyMessageList(C), []);
    state = applyFrameToMessages(applyFrameToMessages(state, requested), delivered);
    expect(state.messages[0]).toMatchObject({ status: 'delivered' });
    expect(state.messages[0]?.receipt).toBeUndefined();
    state = applyFrameToMessages(state, receipt(12, 'delivered'));
    expect(state.messages[0]).toMatchObject({ status: 'delivered', receipt: 'delivered' });
    state = applyFrameToMessages(state, receipt(13, 'seen'));
    expect(state.messages[0]).toMatchObject({ status: 'delivered', receipt: 'seen' });
    // A late `delivered`, and a history fetch from before the seen, leave it seen.
    const seen = applyFrameToMessages(state, receipt(14, 'delivered'));
    expect(seen.messages[0]?.receipt).toBe('seen');
    expect(applySnapshot(seen, [message('r-1', C, { direction: 'outbound', status: 'delivered', receipt: 'delivered' })]).messages[0]?.receipt).toBe('seen');

    const failedLater = applyFrameToMessages(applyFrameToMessages(applyFrameToMessages(applySnapshot(emptyMessageList(C), []), requested), delivered), receipt(15, 'failed', 'Failed to download media'));
    expect(failedLater.messages[0]).toMatchObject({ status: 'failed', receipt: 'failed', failureReason: 'Failed to download media' });
  });

  it('keeps a receipt that arrives before the history shows the reply', () => {
    let state = emptyMessageList(C);
    state = applyFrameToMessages(state, frame(12, 'ReplyReceiptRecorded', { conversationId: C, replyId: 'r-1', status: 'seen', receivedAt: '2025-01-01T10:10:05.000Z' }));
    state = applySnapshot(state, [message('r-1', C, { direction: 'outbound', status: 'delivered' })]);
    expect(state.messages[0]).toMatchObject({ status: 'delivered', receipt: 'seen' });
  });
});
