import { inboundEnvelopeId } from './inbound-publisher';

describe('inboundEnvelopeId', () => {
  it('is a stable UUID per dedupe key, so a re-publish is de-duplicated by JetStream', () => {
    const id = inboundEnvelopeId('vk:1:msg:42');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(inboundEnvelopeId('vk:1:msg:42')).toBe(id);
    expect(inboundEnvelopeId('vk:1:msg:43')).not.toBe(id);
  });
});
