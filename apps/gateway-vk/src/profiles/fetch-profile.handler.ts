import { Inject, Injectable } from '@nestjs/common';
import {
  CommonErrorCodes,
  GatewayRequestsByType,
  ParleyError,
  type Envelope,
  type FetchedProfile,
  type FetchProfile,
} from '@parley/contracts';
import { OnRequest } from '@parley/messaging';
import { channelToken } from '../channels/channel-credentials';
import { ChannelRepository } from '../channels/channel.repository';
import { SecretBox } from '../crypto/secret-box';
import { MediaCopier } from '../media/media-copier';
import { VkUserLookups } from '../vk';

/** VK's placeholder avatars (no photo set): not worth copying. */
const DEFAULT_AVATAR = /\/images\/(camera|deactivated|community)_\d+/;

/** `parley.gateway-vk.fetch-profile.v1`: users.get with photo_200 (shared with other look-ups of the token); the avatar is copied into the attachment store. */
@Injectable()
export class FetchProfileHandler {
  constructor(
    @Inject(ChannelRepository) private readonly channels: ChannelRepository,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(VkUserLookups) private readonly users: VkUserLookups,
    @Inject(MediaCopier) private readonly media: MediaCopier,
  ) {}

  @OnRequest(GatewayRequestsByType.vk.fetchProfile)
  async fetchProfile(envelope: Envelope<FetchProfile>): Promise<FetchedProfile> {
    const { channelId, externalUserId } = envelope.data;
    const channel = await this.channels.find(channelId);
    if (!channel) throw new ParleyError(CommonErrorCodes.NOT_FOUND, `VK channel ${channelId} not found`, { details: { channelId } });
    const userId = Number(externalUserId);
    if (!Number.isSafeInteger(userId) || userId <= 0) {
      throw new ParleyError(CommonErrorCodes.NOT_FOUND, `not a VK user id: ${externalUserId}`, { details: { externalUserId } });
    }
    const user = await this.users.get(channelToken(this.box, channel), userId);
    if (!user) throw new ParleyError(CommonErrorCodes.NOT_FOUND, `VK user ${userId} not found`, { details: { externalUserId } });
    const displayName = `${user.first_name} ${user.last_name}`.trim() || `VK user ${userId}`;
    if (!user.photo_200 || DEFAULT_AVATAR.test(user.photo_200)) return { displayName };
    const avatar = await this.media.copy({
      url: user.photo_200,
      name: `vk-avatar-${userId}`,
      mime: 'application/octet-stream',
      kind: 'image',
      source: `avatar${userId}`,
    });
    return avatar ? { displayName, avatar } : { displayName };
  }
}
