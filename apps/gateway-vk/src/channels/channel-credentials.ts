import type { SecretBox } from '../crypto/secret-box';
import type { ChannelRecord } from './channel.repository';

/** Associated data binding each encrypted credential to its channel and field. */
export function credentialBinding(channelId: string, field: 'token' | 'secret'): string {
  return `gateway-vk:${channelId}:${field}`;
}

/** The community token of a channel, decrypted for one use. Never log it. */
export function channelToken(box: SecretBox, channel: Pick<ChannelRecord, 'id' | 'tokenEnc'>): string {
  return box.decrypt(channel.tokenEnc, credentialBinding(channel.id, 'token'));
}

/** The Callback API secret of a channel, decrypted for one comparison. Never log it. */
export function channelSecret(box: SecretBox, channel: Pick<ChannelRecord, 'id' | 'secretEnc'>): string {
  return box.decrypt(channel.secretEnc, credentialBinding(channel.id, 'secret'));
}
