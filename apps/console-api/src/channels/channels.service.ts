import { Inject, Injectable } from '@nestjs/common';
import {
  ChannelChangedV1,
  ChannelTypeCatalog,
  ChannelTypes,
  checkChannelSettings,
  CommonErrorCodes,
  GatewayRequestsByType,
  newCorrelation,
  ParleyError,
  type ChannelChanged,
  type ChannelType,
  type ChannelView,
  type Envelope,
} from '@parley/contracts';
import { OnEvent, RequestClient } from '@parley/messaging';
import { ChannelTypesRepository } from './channel-types.repository';

/**
 * Channels live in their gateways (`gateway-<type>`). console-api keeps only channel id → type, fed by
 * ChannelChanged events and by the gateways' replies, to address PATCH/DELETE to the right gateway; on a miss it
 * asks every gateway's list.
 */
@Injectable()
export class ChannelsService {
  constructor(
    @Inject(RequestClient) private readonly requests: RequestClient,
    @Inject(ChannelTypesRepository) private readonly types: ChannelTypesRepository,
  ) {}

  /** Settings are checked against the type's fields in `ChannelTypeCatalog` (the gateway checks them again). */
  async connect(type: ChannelType, lineId: string, name: string, raw: Record<string, unknown>): Promise<ChannelView> {
    const checked = checkChannelSettings(type, raw);
    if (!checked.ok) {
      const fields = checked.problems.map((p) => ({ field: `settings.${p.field}`, problems: [`${p.field} ${p.problem}`] }));
      throw new ParleyError('VALIDATION_FAILED', `Invalid request: ${fields.map((f) => f.field).join(', ')}`, { details: { fields } });
    }
    const settings = checked.settings;
    const channel = await this.requests.request(
      GatewayRequestsByType[type].connectChannel,
      { lineId, name, settings },
      newCorrelation(),
      { timeoutMs: 15_000 },
    );
    await this.types.upsert(channel.id, channel.type, false);
    return channel;
  }

  /** The types an admin can connect and their settings fields (the console draws its connect form from them). */
  channelTypes(): Array<{ type: ChannelType; settings: ReadonlyArray<object> }> {
    return ChannelTypes.filter((t) => ChannelTypeCatalog[t].connectable).map((t) => ({ type: t, settings: ChannelTypeCatalog[t].settings }));
  }

  /** Channels of every gateway that answers (a gateway type nobody runs is skipped). */
  async list(lineId?: string): Promise<ChannelView[]> {
    const lists = await Promise.all(
      ChannelTypes.map((type) =>
        this.requests
          .request(GatewayRequestsByType[type].listChannels, lineId ? { lineId } : {}, newCorrelation())
          .then((reply) => reply.channels)
          .catch((err: unknown) => {
            if (err instanceof ParleyError && err.code === CommonErrorCodes.UNAVAILABLE) return [];
            throw err;
          }),
      ),
    );
    const channels = lists.flat();
    await Promise.all(channels.map((c) => this.types.upsert(c.id, c.type, false)));
    return channels.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async update(channelId: string, change: { name?: string; active?: boolean }): Promise<ChannelView> {
    const type = await this.typeOf(channelId);
    return this.requests.request(GatewayRequestsByType[type].updateChannel, { channelId, ...change }, newCorrelation(), { timeoutMs: 15_000 });
  }

  async delete(channelId: string): Promise<void> {
    const type = await this.typeOf(channelId);
    await this.requests.request(GatewayRequestsByType[type].deleteChannel, { channelId }, newCorrelation());
    await this.types.upsert(channelId, type, true);
  }

  @OnEvent(ChannelChangedV1, { durable: 'console-api-channels' })
  async onChannelChanged(envelope: Envelope<ChannelChanged>): Promise<void> {
    await this.types.upsert(envelope.data.id, envelope.data.type, envelope.data.deleted);
  }

  private async typeOf(channelId: string): Promise<ChannelType> {
    const known = await this.types.find(channelId);
    if (known && !known.deleted) return known.type;
    if (!known) {
      const found = (await this.list()).find((c) => c.id === channelId);
      if (found) return found.type;
    }
    throw new ParleyError(CommonErrorCodes.NOT_FOUND, `channel ${channelId} not found`, { details: { channelId } });
  }
}
