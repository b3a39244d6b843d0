import {
  AllEvents,
  ContractViolationError,
  createEnvelope,
  decodeEnvelope,
  findEventDefinition,
  GatewayRequestsByType,
  MessageReceivedV1,
  newCorrelation,
  parseEnvelope,
  ReplyRequestedV1,
  Streams,
  causedBy,
  type MessageDefinition,
  type MessageReceived,
} from './index';
import * as contracts from './index';

const received: MessageReceived = {
  channelId: '0190d5c4-8b3a-7c3e-9d7e-1f2a3b4c5d6e',
  channelType: 'vk',
  lineId: '0190d5c4-8b3a-7c3e-9d7e-1f2a3b4c5d6f',
  dedupeKey: 'vk:123456:msg:9876',
  externalChatId: '42',
  externalUserId: '42',
  sentAt: '2026-11-21T10:00:00.000Z',
  externalMessageId: '9876',
  text: 'hi',
  attachments: [
    { id: 'a1', name: 'photo.jpg', mime: 'image/jpeg', size: 10, sha256: 'a'.repeat(64), kind: 'image' },
  ],
  source: 'webhook',
};

describe('the validation factory', () => {
  it('round-trips an envelope through JSON and returns typed instances', () => {
    const envelope = createEnvelope(MessageReceivedV1, received, newCorrelation());
    const parsed = decodeEnvelope(MessageReceivedV1, JSON.stringify(envelope));
    expect(parsed).toMatchObject({ id: envelope.id, type: 'MessageReceived', version: 1, data: received });
    expect(parsed.causationId).toBeNull();
  });

  it('names every offending field, nested ones with their path', () => {
    const envelope = createEnvelope(MessageReceivedV1, received, newCorrelation());
    const broken = { ...envelope, data: { ...received, channelId: 'nope', attachments: [{ ...received.attachments[0], size: -1 }] } };
    try {
      parseEnvelope(MessageReceivedV1, broken);
      throw new Error('expected a violation');
    } catch (err) {
      expect(err).toBeInstanceOf(ContractViolationError);
      const paths = (err as ContractViolationError).violations.map((v) => v.path).sort();
      expect(paths).toEqual(['data.attachments.0.size', 'data.channelId']);
    }
  });

  it('refuses another message type or version, non-JSON and non-objects', () => {
    const envelope = createEnvelope(MessageReceivedV1, received, newCorrelation());
    expect(() => parseEnvelope(ReplyRequestedV1, envelope)).toThrow(/expected ReplyRequested.v1, got MessageReceived.v1/);
    expect(() => parseEnvelope(MessageReceivedV1, { ...envelope, version: 2 })).toThrow(ContractViolationError);
    expect(() => decodeEnvelope(MessageReceivedV1, '{not json')).toThrow(/not JSON/);
    expect(() => parseEnvelope(MessageReceivedV1, [envelope])).toThrow(/must be an object/);
    expect(() => parseEnvelope(MessageReceivedV1, { ...envelope, data: null })).toThrow(ContractViolationError);
  });

  it('accepts fields it does not know (adding an optional field is a compatible change)', () => {
    const envelope = createEnvelope(MessageReceivedV1, received, newCorrelation());
    const parsed = parseEnvelope(MessageReceivedV1, { ...envelope, data: { ...received, futureField: 1 } });
    expect(parsed.data.text).toBe('hi');
  });

  it('never builds an envelope a consumer would reject', () => {
    expect(() => createEnvelope(MessageReceivedV1, { ...received, sentAt: 'yesterday' }, newCorrelation())).toThrow(
      ContractViolationError,
    );
  });

  it('carries correlation forward and points causation at the cause', () => {
    const first = createEnvelope(MessageReceivedV1, received, newCorrelation());
    const second = createEnvelope(MessageReceivedV1, received, causedBy(first));
    expect(second.correlationId).toBe(first.correlationId);
    expect(second.causationId).toBe(first.id);
  });
});

describe('the wire catalogue', () => {
  const definitions = Object.values(contracts as Record<string, unknown>).filter(
    (v): v is MessageDefinition => typeof v === 'object' && v !== null && 'subject' in v && 'kind' in v,
  );
  const gatewayDefinitions = Object.values(GatewayRequestsByType).flatMap((g) => Object.values(g));

  it('gives every message its own subject', () => {
    const subjects = [...definitions, ...gatewayDefinitions].map((d) => d.subject);
    expect(new Set(subjects).size).toBe(subjects.length);
  });

  it('puts every event in exactly one stream and no request in any stream', () => {
    const streamOf = (subject: string): string[] =>
      Object.values(Streams)
        .filter((s) => s.subjects.some((p) => subject.startsWith(p.replace(/>$/, ''))))
        .map((s) => s.name);
    for (const d of [...definitions, ...gatewayDefinitions]) {
      expect({ subject: d.subject, streams: streamOf(d.subject) }).toEqual({
        subject: d.subject,
        streams: d.kind === 'event' ? [expect.any(String)] : [],
      });
    }
  });

  it('lists every exported event in the registry', () => {
    const events = definitions.filter((d) => d.kind === 'event');
    expect(new Set(AllEvents)).toEqual(new Set(events));
    for (const e of events) expect(findEventDefinition(e.type, e.version)).toBe(e);
  });
});
