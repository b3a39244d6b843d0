import { ParleyError, SendErrorCodes } from '@parley/contracts';
import { DAY_MS } from './meta-capabilities';
import { decideReplyWindow, splitText } from './reply-window';

describe('decideReplyWindow', () => {
  const wrote = new Date('2026-12-01T09:00:00.000Z');
  const at = (ms: number) => new Date(wrote.getTime() + ms);

  it('RESPONSE up to exactly 24 h, unknown windows too', () => {
    expect(decideReplyWindow(at(DAY_MS), wrote, false)).toEqual({ messagingType: 'RESPONSE' });
    expect(decideReplyWindow(at(10 * DAY_MS), undefined, false)).toEqual({ messagingType: 'RESPONSE' });
  });

  it('HUMAN_AGENT from 24 h to 7 days only where enabled; refused after, with the closing time', () => {
    expect(decideReplyWindow(at(DAY_MS + 1), wrote, true)).toEqual({ messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(decideReplyWindow(at(7 * DAY_MS), wrote, true)).toEqual({ messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    for (const [now, human, closed] of [[DAY_MS + 1, false, DAY_MS], [7 * DAY_MS + 1, true, 7 * DAY_MS]] as const) {
      let err: unknown;
      try {
        decideReplyWindow(at(now), wrote, human);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ParleyError);
      expect((err as ParleyError).code).toBe(SendErrorCodes.REPLY_WINDOW_CLOSED);
      expect((err as ParleyError).options.details).toMatchObject({ reason: 'window-closed', closedAt: at(closed).toISOString() });
    }
  });
});

describe('splitText', () => {
  it('splits by characters or UTF-8 bytes, never inside a code point', () => {
    expect(splitText('abcde', 2, 'chars')).toEqual(['ab', 'cd', 'e']);
    expect(splitText('😀😀😀', 8, 'bytes')).toEqual(['😀😀', '😀']);
    expect(splitText('я'.repeat(3), 5, 'bytes')).toEqual(['яя', 'я']);
    expect(splitText('', 10, 'chars')).toEqual([]);
  });
});
