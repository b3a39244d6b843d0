import type { ChannelView } from '@parley/contracts';
import type { ChannelRecord } from './channel.repository';

export function webhookUrlFor(publicBaseUrl: string, channelId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/webhooks/vk/${channelId}`;
}

/** The admin's view of a channel: never the credentials. */
export function toChannelView(channel: ChannelRecord, publicBaseUrl: string): ChannelView {
  return {
    id: channel.id,
    type: 'vk',
    lineId: channel.lineId,
    name: channel.name,
    status: channel.status,
    externalId: String(channel.groupId),
    webhookUrl: webhookUrlFor(publicBaseUrl, channel.id),
    createdAt: channel.createdAt.toISOString(),
  };
}
