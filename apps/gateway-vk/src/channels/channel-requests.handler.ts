import { Inject, Injectable } from '@nestjs/common';
import {
  GatewayRequestsByType,
  type ChannelList,
  type ChannelView,
  type ConnectChannel,
  type DeleteChannel,
  type Deleted,
  type Envelope,
  type ListChannels,
  type UpdateChannel,
} from '@parley/contracts';
import { OnRequest } from '@parley/messaging';
import { ChannelsService } from './channels.service';

const requests = GatewayRequestsByType.vk;

/** `parley.gateway-vk.{connect,update,delete,list}-channel(s).v1`. */
@Injectable()
export class ChannelRequestsHandler {
  constructor(@Inject(ChannelsService) private readonly channels: ChannelsService) {}

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
}
