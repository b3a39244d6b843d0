import { conversation, OPERATOR, OTHER_OPERATOR } from '../../state/fixtures';
import { replyBlocker } from './reply-blocker';

describe('replyBlocker', () => {
  it('lets the assignee answer an open, unblocked conversation', () => {
    expect(replyBlocker(conversation('c', { status: 'assigned', assigneeId: OPERATOR }), OPERATOR)).toBeUndefined();
  });

  it('explains why the composer is disabled', () => {
    expect(replyBlocker(conversation('c', { status: 'queued' }), OPERATOR)).toMatch(/Accept/);
    expect(replyBlocker(conversation('c', { status: 'assigned', assigneeId: OTHER_OPERATOR }), OPERATOR)).toMatch(/Another operator/);
    expect(replyBlocker(conversation('c', { status: 'closed', assigneeId: OPERATOR }), OPERATOR)).toMatch(/closed/);
    expect(replyBlocker(conversation('c', { status: 'assigned', assigneeId: OPERATOR, blocked: true }), OPERATOR)).toMatch(/blocked/);
  });
});
