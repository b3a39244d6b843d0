import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  ChannelChangedV1,
  CommonErrorCodes,
  createEnvelope,
  newCorrelation,
  ParleyError,
  type ChannelList,
  type ChannelView,
  type ConnectChannel,
  type Deleted,
  type UpdateChannel,
} from '@parley/contracts';
import { SecretBox } from '../crypto/secret-box';
import { GatewayVkConfig } from '../gateway-vk.config';
import { isUniqueViolation, OutboxRelay, OutboxWriter } from '@parley/service-kit';
import { VkApiClient } from '../vk';
import { BackfillRunner } from '../backfill/backfill-runner';
import { credentialBinding } from './channel-credentials';
import { ChannelRepository, type ChannelRecord } from './channel.repository';
import { toChannelView } from './channel-view';
import { backfillStart } from './backfill-window';
import { parseVkChannelSettings } from './vk-channel-settings';

export const ChannelErrorCodes = {
  /** VK refused the token (or it belongs to another community): permanent until the admin fixes it. */
  CHANNEL_CHECK_FAILED: 'CHANNEL_CHECK_FAILED',
  /** The community is connected already (one community → one channel → one line). */
  CHANNEL_ALREADY_CONNECTED: 'CHANNEL_ALREADY_CONNECTED',
} as const;

/**
 * Connect, rename, switch and delete VK channels. Every change commits together with its ChannelChanged event in
 * the outbox (published by the relay after the commit), so no change goes unannounced and none is announced
 * that did not happen.
 */
@Injectable()
export class ChannelsService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ChannelRepository) private readonly channels: ChannelRepository,
    @Inject(OutboxWriter) private readonly outbox: OutboxWriter,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(VkApiClient) private readonly vk: VkApiClient,
    @Inject(BackfillRunner) private readonly backfill: BackfillRunner,
    @Inject(GatewayVkConfig) private readonly config: GatewayVkConfig,
  ) {}

  async connect(command: ConnectChannel): Promise<ChannelView> {
    const settings = parseVkChannelSettings(command.settings);
    const groupId = Number(settings.groupId);
    const id = command.channelId ?? randomUUID();

    const existing = (command.channelId ? await this.channels.find(command.channelId) : undefined) ?? (await this.channels.findByGroup(groupId));
    if (existing) return this.alreadyThere(existing, id, command.lineId, groupId);

    await this.checkToken(settings.token, groupId);

    let created: ChannelRecord;
    try {
      created = await this.dataSource.transaction(async (manager) => {
        const row = await this.channels.insert(manager, {
          id,
          lineId: command.lineId,
          name: command.name,
          groupId,
          status: 'active',
          confirmation: settings.confirmation,
          secretEnc: this.box.encrypt(settings.secret, credentialBinding(id, 'secret')),
          tokenEnc: this.box.encrypt(settings.token, credentialBinding(id, 'token')),
        });
        await this.announce(manager, row, false);
        return row;
      });
    } catch (err: unknown) {
      if (!isUniqueViolation(err)) throw err;
      // Lost a race with a concurrent connect of the same id or community.
      const winner = (await this.channels.find(id)) ?? (await this.channels.findByGroup(groupId));
      if (!winner) throw err;
      return this.alreadyThere(winner, id, command.lineId, groupId);
    }
    this.relay.kick();
    return this.view(created);
  }

  async update(command: UpdateChannel): Promise<ChannelView> {
    let reactivated = false;
    const updated = await this.dataSource.transaction(async (manager) => {
      const current = await this.channels.lock(manager, command.channelId);
      if (!current) throw notFound(command.channelId);
      const name = command.name ?? current.name;
      const status = command.active === undefined ? current.status : command.active ? 'active' : 'disconnected';
      if (name === current.name && status === current.status) return current;
      reactivated = current.status === 'disconnected' && status === 'active';
      const backfillSince = reactivated
        ? backfillStart(new Date(), this.config.BACKFILL_WINDOW_HOURS)
        : status === 'active'
          ? current.backfillSince
          : null;
      const row = await this.channels.update(manager, current.id, { name, status, backfillSince });
      await this.announce(manager, row, false);
      return row;
    });
    this.relay.kick();
    if (reactivated) this.backfill.kick();
    return this.view(updated);
  }

  /** Deletes the channel and its credentials; its webhook URL answers 404 from then on. */
  async delete(channelId: string): Promise<Deleted> {
    const deleted = await this.dataSource.transaction(async (manager) => {
      const current = await this.channels.lock(manager, channelId);
      if (!current) return false;
      await this.channels.delete(manager, channelId);
      await this.announce(manager, current, true);
      return true;
    });
    if (deleted) this.relay.kick();
    return { deleted };
  }

  async list(lineId?: string): Promise<ChannelList> {
    return { channels: (await this.channels.list(lineId)).map((c) => this.view(c)) };
  }

  private view(channel: ChannelRecord): ChannelView {
    return toChannelView(channel, this.config.PUBLIC_WEBHOOK_BASE_URL);
  }

  /** A repeated connect of the same channel is answered with it; another channel for the community is a conflict. */
  private alreadyThere(existing: ChannelRecord, id: string, lineId: string, groupId: number): ChannelView {
    if (existing.id === id && existing.groupId === groupId && existing.lineId === lineId) return this.view(existing);
    if (existing.groupId === groupId) {
      throw new ParleyError(ChannelErrorCodes.CHANNEL_ALREADY_CONNECTED, `VK community ${groupId} is already connected`, {
        details: { groupId, channelId: existing.id, lineId: existing.lineId },
      });
    }
    throw new ParleyError(CommonErrorCodes.CONFLICT, `channel ${id} exists with other settings`, { details: { channelId: id } });
  }

  private async checkToken(token: string, groupId: number): Promise<void> {
    let community: { id: number };
    try {
      community = await this.vk.getCommunity(token);
    } catch (err: unknown) {
      if (err instanceof ParleyError && err.retryable) throw err;
      const reason = err instanceof ParleyError ? err.message : 'VK did not accept the token';
      throw new ParleyError(ChannelErrorCodes.CHANNEL_CHECK_FAILED, reason, {
        retryable: false,
        details: { groupId, ...(err instanceof ParleyError ? { vk: err.options.details ?? {} } : {}) },
      });
    }
    if (community.id !== groupId) {
      throw new ParleyError(ChannelErrorCodes.CHANNEL_CHECK_FAILED, `the token belongs to VK community ${community.id}, not ${groupId}`, {
        retryable: false,
        details: { groupId, tokenGroupId: community.id },
      });
    }
  }

  private async announce(manager: Parameters<OutboxWriter['add']>[0], channel: ChannelRecord, deleted: boolean): Promise<void> {
    const envelope = createEnvelope(ChannelChangedV1, { ...this.view(channel), deleted }, newCorrelation());
    await this.outbox.add(manager, ChannelChangedV1, envelope);
  }
}

function notFound(channelId: string): ParleyError {
  return new ParleyError(CommonErrorCodes.NOT_FOUND, `VK channel ${channelId} not found`, { details: { channelId } });
}
