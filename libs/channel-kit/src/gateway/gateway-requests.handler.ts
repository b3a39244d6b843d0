import { Inject, Injectable, type Type } from '@nestjs/common';
import {
  GatewayRequestsByType,
  ParleyError,
  type ChannelList,
  type ChannelType,
  type ChannelView,
  type ConnectChannel,
  type DeleteChannel,
  type Deleted,
  type Envelope,
  type FetchedProfile,
  type FetchProfile,
  type ListChannels,
  type SendReceipt,
  type SendReply,
  type UpdateChannel,
} from '@parley/contracts';
import { OnRequest } from '@parley/messaging';
import { ChannelRegistry } from '../channels/channel-registry';
import { ProfileService } from '../profiles/profile-service';
import { SendService } from '../sending/send-service';
import { GatewayMetrics } from './gateway.metrics';

/**
 * The NATS requests every gateway answers, on its type's subjects (`GatewayRequestsByType[type]`, e.g.
 * `parley.gateway-vk.send.v1`). A class per type: the decorators need the subjects when the class is defined.
 */
export function gatewayRequestsHandler(type: ChannelType): Type<unknown> {
  const requests = GatewayRequestsByType[type];

  @Injectable()
  class GatewayRequestsHandler {
    constructor(
      @Inject(ChannelRegistry) private readonly channels: ChannelRegistry,
      @Inject(SendService) private readonly sender: SendService,
      @Inject(ProfileService) private readonly profiles: ProfileService,
      @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    ) {}

    @OnRequest(requests.connectChannel)
    connect(envelope: Envelope<ConnectChannel>): Promise<ChannelView> {
      return this.channels.connect(envelope.data);
    }

    @OnRequest(requests.updateChannel)
    update(envelope: Envelope<UpdateChannel>): Promise<ChannelView> {
      return this.channels.update(envelope.data);
    }

    @OnRequest(requests.deleteChannel)
    delete(envelope: Envelope<DeleteChannel>): Promise<Deleted> {
      return this.channels.delete(envelope.data.channelId);
    }

    @OnRequest(requests.listChannels)
    list(envelope: Envelope<ListChannels>): Promise<ChannelList> {
      return this.channels.list(envelope.data.lineId);
    }

    @OnRequest(requests.fetchProfile)
    fetchProfile(envelope: Envelope<FetchProfile>): Promise<FetchedProfile> {
      return this.profiles.fetch(envelope.data);
    }

    @OnRequest(requests.send)
    async send(envelope: Envelope<SendReply>): Promise<SendReceipt> {
      try {
        const receipt = await this.sender.send(envelope.data);
        this.metrics.sends.inc({ outcome: 'sent' });
        return receipt;
      } catch (err: unknown) {
        this.metrics.sends.inc({ outcome: err instanceof ParleyError ? err.code : 'INTERNAL' });
        throw err;
      }
    }
  }
  return GatewayRequestsHandler;
}
