import { ParleyError, SendErrorCodes, type ChannelType, type SendReply } from '@parley/contracts';
import type { ChannelCapabilities } from '../adapter/channel-capabilities';

/** Refuses a reply the messenger cannot carry, before any call (MESSAGE_TOO_LONG / MESSENGER_REJECTED, permanent). */
export function checkReply(type: ChannelType, caps: ChannelCapabilities, reply: SendReply): void {
  if (caps.longText === 'refuse' && reply.text.length > caps.maxTextLength) {
    throw new ParleyError(SendErrorCodes.MESSAGE_TOO_LONG, `${type} takes at most ${caps.maxTextLength} characters`, {
      retryable: false,
      details: { length: reply.text.length, max: caps.maxTextLength },
    });
  }
  if (reply.text.trim() === '' && reply.attachments.length === 0) {
    throw new ParleyError(SendErrorCodes.MESSENGER_REJECTED, `a ${type} message needs text or an attachment`, { retryable: false });
  }
  const out = caps.attachmentsOut;
  if (reply.attachments.length > out.maxPerMessage) {
    throw new ParleyError(SendErrorCodes.MESSAGE_TOO_LONG, `${type} takes at most ${out.maxPerMessage} attachments per message`, {
      retryable: false,
      details: { count: reply.attachments.length, max: out.maxPerMessage },
    });
  }
  for (const ref of reply.attachments) {
    if (!out.kinds.includes(ref.kind)) {
      throw new ParleyError(SendErrorCodes.MESSENGER_REJECTED, `${type} cannot send a ${ref.kind} attachment`, {
        retryable: false,
        details: { attachmentId: ref.id, kind: ref.kind },
      });
    }
    const max = out.maxBytes[ref.kind] ?? out.maxBytes.default;
    if (ref.size > max) {
      throw new ParleyError(SendErrorCodes.MESSAGE_TOO_LONG, `${ref.name} is over ${type}'s ${max} byte limit`, {
        retryable: false,
        details: { attachmentId: ref.id, size: ref.size, max },
      });
    }
  }
}
