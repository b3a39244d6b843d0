import { encodeExpectedVersion, toAppendDocuments } from './append-request';
import { InvalidAppendError } from './event-store.errors';

describe('append request', () => {
  it('encodes expected versions and rejects bad ones', () => {
    expect(encodeExpectedVersion(0)).toBe('0');
    expect(encodeExpectedVersion(12)).toBe('12');
    expect(encodeExpectedVersion('no_stream')).toBe('no_stream');
    expect(encodeExpectedVersion('stream_exists')).toBe('stream_exists');
    expect(encodeExpectedVersion('any')).toBe('any');
    expect(() => encodeExpectedVersion(-1)).toThrow(InvalidAppendError);
    expect(() => encodeExpectedVersion(1.5)).toThrow(InvalidAppendError);
  });

  it('builds documents with generated v7 ids and defaults', () => {
    const [doc] = toAppendDocuments([{ type: 'A', data: { x: 1 }, idempotencyKey: 'k' }]);
    expect(doc).toMatchObject({ type: 'A', schemaVersion: 1, data: { x: 1 }, metadata: {}, idempotencyKey: 'k' });
    expect(doc?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(toAppendDocuments([{ type: 'A', data: undefined, eventId: 'given' }])[0]).toMatchObject({ id: 'given', data: null });
  });

  it('rejects a key repeated in one batch, empty keys, missing types and bad schema versions', () => {
    expect(() => toAppendDocuments([{ type: 'A', data: 1, idempotencyKey: 'k' }, { type: 'B', data: 2, idempotencyKey: 'k' }])).toThrow(
      /appears twice/,
    );
    expect(() => toAppendDocuments([{ type: 'A', data: 1, idempotencyKey: '' }])).toThrow(InvalidAppendError);
    expect(() => toAppendDocuments([{ type: '', data: 1 }])).toThrow(InvalidAppendError);
    expect(() => toAppendDocuments([{ type: 'A', data: 1, schemaVersion: 0 }])).toThrow(InvalidAppendError);
  });
});
