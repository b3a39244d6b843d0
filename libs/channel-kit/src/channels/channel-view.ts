import type { ChannelType, ChannelView } from '@parley/contracts';
import type { ChannelRecord } from './channel-record';

/** The admin's view of a channel: never the credentials. */
export function toChannelView(channel: ChannelRecord, type: ChannelType, webhookUrl: string, customerLink?: string): ChannelView {
  return {
    id: channel.id,
    type,
    lineId: channel.lineId,
    name: channel.name,
    status: channel.status,
    ...(channel.health === 'healthy' ? {} : { health: channel.health }),
    ...(channel.healthReason === null ? {} : { healthReason: channel.healthReason }),
    externalId: channel.externalId,
    ...(customerLink === undefined ? {} : { customerLink }),
    webhookUrl,
    createdAt: channel.createdAt.toISOString(),
  };
}
