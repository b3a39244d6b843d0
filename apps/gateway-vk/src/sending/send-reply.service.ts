import { Inject, Injectable } from '@nestjs/common';
import { AttachmentStore } from '@parley/channel-kit';
import { CommonErrorCodes, ParleyError, SendErrorCodes, type AttachmentRef, type SendReceipt, type SendReply } from '@parley/contracts';
import { channelToken } from '../channels/channel-credentials';
import { ChannelRepository } from '../channels/channel.repository';
import { SecretBox } from '../crypto/secret-box';
import { VK_CAPABILITIES } from '../media/vk-capabilities';
import { VkApiClient, vkRandomIdFromReplyId } from '../vk';
import { SentMessagesRepository } from './sent-messages.repository';

/**
 * Sends an operator reply through VK, exactly once per reply id: `random_id` is derived from the reply id (VK
 * refuses to store a second message with it, whole history), recorded before `messages.send` so the echo is
 * recognised, and a reply already sent is answered from the record without calling VK again.
 */
@Injectable()
export class SendReplyService {
  constructor(
    @Inject(ChannelRepository) private readonly channels: ChannelRepository,
    @Inject(SentMessagesRepository) private readonly sent: SentMessagesRepository,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(VkApiClient) private readonly vk: VkApiClient,
    @Inject(AttachmentStore) private readonly store: AttachmentStore,
  ) {}

  async send(reply: SendReply): Promise<SendReceipt> {
    const channel = await this.channels.find(reply.channelId);
    if (!channel || channel.status !== 'active') {
      throw new ParleyError(SendErrorCodes.CHANNEL_DISCONNECTED, `VK channel ${reply.channelId} is ${channel ? 'disconnected' : 'deleted'}`, {
        retryable: false,
        details: { channelId: reply.channelId },
      });
    }
    if (reply.text.length > VK_CAPABILITIES.maxTextLength) {
      throw new ParleyError(SendErrorCodes.MESSAGE_TOO_LONG, `VK takes at most ${VK_CAPABILITIES.maxTextLength} characters`, {
        retryable: false,
        details: { length: reply.text.length, max: VK_CAPABILITIES.maxTextLength },
      });
    }
    if (reply.text.trim() === '' && reply.attachments.length === 0) {
      throw new ParleyError(SendErrorCodes.MESSENGER_REJECTED, 'a VK message needs text or an attachment', { retryable: false });
    }
    const peerId = Number(reply.externalChatId);
    if (!Number.isSafeInteger(peerId) || peerId <= 0) {
      throw new ParleyError(SendErrorCodes.MESSENGER_REJECTED, `not a VK peer id: ${reply.externalChatId}`, { retryable: false });
    }

    const randomId = vkRandomIdFromReplyId(reply.replyId);
    const previous = await this.sent.find(channel.groupId, randomId);
    if (previous?.vkMessageId != null && previous.sentAt !== null) {
      return { externalMessageId: String(previous.vkMessageId), sentAt: previous.sentAt.toISOString() };
    }

    const token = channelToken(this.box, channel);
    const attachments: string[] = [];
    for (const ref of reply.attachments) attachments.push(await this.upload(token, peerId, ref));

    await this.sent.recordAttempt(channel.groupId, randomId, channel.id, reply.replyId);
    const messageId = await this.vk.sendMessage(token, { peerId, randomId, text: reply.text, attachments });
    const sentAt = new Date();
    await this.sent.recordSent(channel.groupId, randomId, messageId, sentAt);
    return { externalMessageId: String(messageId), sentAt: sentAt.toISOString() };
  }

  /** One attachment from the store through VK's photo (jpeg/png/gif images) or document upload flow. */
  private async upload(token: string, peerId: number, ref: AttachmentRef): Promise<string> {
    const asPhoto = ref.kind === 'image' && VK_CAPABILITIES.photoMimes.includes(ref.mime);
    const max = asPhoto ? VK_CAPABILITIES.maxPhotoBytes : VK_CAPABILITIES.maxDocBytes;
    if (ref.size > max) {
      throw new ParleyError(SendErrorCodes.MESSAGE_TOO_LONG, `${ref.name} is over VK's ${max} byte limit`, {
        retryable: false,
        details: { attachmentId: ref.id, size: ref.size, max },
      });
    }
    const stored = await this.store.get(ref.id);
    if (!stored) {
      throw new ParleyError(CommonErrorCodes.NOT_FOUND, `attachment ${ref.id} not found`, { retryable: false, details: { attachmentId: ref.id } });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of stored.stream) chunks.push(Buffer.from(chunk as Uint8Array));
    const input = { peerId, bytes: Buffer.concat(chunks), name: stored.ref.name, mime: stored.ref.mime };
    return asPhoto ? this.vk.uploadPhoto(token, input) : this.vk.uploadDoc(token, { ...input, title: stored.ref.name });
  }
}
