import { Inject, Injectable } from '@nestjs/common';
import { CommonErrorCodes, ParleyError, type FetchedProfile, type FetchProfile } from '@parley/contracts';
import { ChannelHealthTracker } from '../channels/channel-health';
import { ChannelRegistry } from '../channels/channel-registry';
import { GatewayContext } from '../gateway/gateway-context';
import { MediaTransfer } from '../media/media-transfer';
import { ConnectionPacer } from '../pacing/connection-pacer';

/** `fetch-profile`: the adapter's look-up, the avatar copied into the attachment store. */
@Injectable()
export class ProfileService {
  constructor(
    @Inject(GatewayContext) private readonly context: GatewayContext,
    @Inject(ChannelRegistry) private readonly registry: ChannelRegistry,
    @Inject(MediaTransfer) private readonly media: MediaTransfer,
    @Inject(ConnectionPacer) private readonly pacer: ConnectionPacer,
    @Inject(ChannelHealthTracker) private readonly health: ChannelHealthTracker,
  ) {}

  async fetch(query: FetchProfile): Promise<FetchedProfile> {
    const { channelId, externalUserId } = query;
    const connection = await this.registry.connection(channelId);
    if (!connection) throw new ParleyError(CommonErrorCodes.NOT_FOUND, `${this.context.type} channel ${channelId} not found`, { details: { channelId } });
    const adapter = this.context.adapter;
    if (!adapter.fetchProfile) throw new ParleyError(CommonErrorCodes.NOT_FOUND, `${this.context.type} has no profiles`, { details: { externalUserId } });
    let draft;
    try {
      draft = await adapter.fetchProfile(connection, externalUserId, (options) => this.pacer.acquire(connection.id, options));
    } catch (err: unknown) {
      this.health.failed(connection, err);
      throw err;
    }
    this.health.succeeded(connection);
    if (!draft) throw new ParleyError(CommonErrorCodes.NOT_FOUND, `${this.context.type} user ${externalUserId} not found`, { details: { externalUserId } });
    const avatar = draft.avatar ? await this.media.copy(connection, draft.avatar) : undefined;
    return avatar ? { displayName: draft.displayName, avatar } : { displayName: draft.displayName };
  }
}
