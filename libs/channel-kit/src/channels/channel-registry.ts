import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { Logger as PinoLogger } from 'pino';
import {
  ChannelChangedV1,
  checkChannelSettings,
  CommonErrorCodes,
  ContractViolationError,
  createEnvelope,
  GatewayErrorCodes,
  newCorrelation,
  ParleyError,
  type ChannelHealth,
  type ChannelList,
  type ChannelView,
  type ConnectChannel,
  type Deleted,
  type UpdateChannel,
} from '@parley/contracts';
import { PARLEY_LOGGER } from '@parley/observability';
import { isUniqueViolation, OutboxRelay, OutboxWriter } from '@parley/service-kit';
import type { ChannelConnection } from '../adapter/channel-adapter';
import { BackfillRunner } from '../backfill/backfill-runner';
import { SecretBox } from '../crypto/secret-box';
import { GatewayContext } from '../gateway/gateway-context';
import { encryptSecrets } from './channel-credentials';
import type { ChannelRecord } from './channel-record';
import { ChannelRepository } from './channel.repository';
import { toChannelView } from './channel-view';
import { ConnectionCache } from './connection-cache';

/**
 * Connect, rename, switch and delete channels. Every change commits together with its ChannelChanged event in
 * the outbox (published by the relay after the commit), so no change goes unannounced and none is announced
 * that did not happen. One external account → one channel (unique `external_id`).
 */
@Injectable()
export class ChannelRegistry {
  constructor(
    @Inject(GatewayContext) private readonly context: GatewayContext,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ChannelRepository) private readonly channels: ChannelRepository,
    @Inject(ConnectionCache) private readonly cache: ConnectionCache,
    @Inject(OutboxWriter) private readonly outbox: OutboxWriter,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(BackfillRunner) private readonly backfill: BackfillRunner,
    @Inject(PARLEY_LOGGER) private readonly logger: PinoLogger,
  ) {}

  /** The channel with its secrets decrypted (cached), or undefined when unknown or deleted. */
  connection(id: string): Promise<ChannelConnection<object, object> | undefined> {
    return this.cache.get(id);
  }

  async connect(command: ConnectChannel): Promise<ChannelView> {
    const adapter = this.context.adapter;
    const checked = checkChannelSettings(this.context.type, command.settings);
    if (!checked.ok) {
      throw new ContractViolationError(`${this.context.type} channel settings`, checked.problems.map((p) => ({ path: `settings.${p.field}`, constraints: [p.problem] })));
    }
    const draft = adapter.prepareSettings(checked.settings);
    const id = command.channelId ?? randomUUID();
    const byId = command.channelId ? await this.channels.find(command.channelId) : undefined;
    const account = await this.checkCredentials(draft);
    const settings = { ...draft.settings, ...account.settings };
    const existing = byId ?? (await this.channels.findByExternalId(account.externalId));
    if (existing) return this.alreadyThere(existing, id, command.lineId, account.externalId);

    let created: ChannelRecord;
    try {
      created = await this.dataSource.transaction(async (manager) => {
        const row = await this.channels.insert(manager, {
          id,
          lineId: command.lineId,
          name: command.name,
          externalId: account.externalId,
          status: 'active',
          settings,
          secrets: encryptSecrets(this.box, this.context.serviceName, id, draft.secrets),
        });
        await this.announce(manager, row, false);
        return row;
      });
    } catch (err: unknown) {
      if (!isUniqueViolation(err)) throw err;
      // Lost a race with a concurrent connect of the same id or account.
      const winner = (await this.channels.find(id)) ?? (await this.channels.findByExternalId(account.externalId));
      if (!winner) throw err;
      return this.alreadyThere(winner, id, command.lineId, account.externalId);
    }
    this.cache.put(created, id);
    this.relay.kick();
    if (adapter.registerWebhook) await this.register(created);
    return this.view(created);
  }

  async update(command: UpdateChannel): Promise<ChannelView> {
    let reactivated = false;
    const current = await this.channels.find(command.channelId);
    if (!current) throw notFound(command.channelId);
    // Switching a deactivated channel Active again re-checks its credentials first.
    if (command.active === true && current.health === 'deactivated') {
      const connection = this.cache.toConnection(current);
      const account = await this.checkCredentials({ settings: connection.settings, secrets: connection.secrets });
      if (account.externalId !== current.externalId) {
        throw new ParleyError(GatewayErrorCodes.CHANNEL_CHECK_FAILED, `the credentials now belong to account ${account.externalId}, not ${current.externalId}`, {
          retryable: false,
          details: { externalId: current.externalId },
        });
      }
    }
    const updated = await this.dataSource.transaction(async (manager) => {
      const locked = await this.channels.lock(manager, command.channelId);
      if (!locked) throw notFound(command.channelId);
      const name = command.name ?? locked.name;
      const status = command.active === undefined ? locked.status : command.active ? 'active' : 'disconnected';
      const healthReset = command.active === true && locked.health !== 'healthy';
      if (name === locked.name && status === locked.status && !healthReset) return locked;
      reactivated = locked.status === 'disconnected' && status === 'active';
      const backfillSince = reactivated && this.context.adapter.capabilities.history
        ? new Date(Date.now() - this.context.config.BACKFILL_WINDOW_HOURS * 3_600_000)
        : status === 'active'
          ? locked.backfillSince
          : null;
      const row = await this.channels.update(manager, locked.id, {
        name,
        status,
        health: healthReset ? 'healthy' : locked.health,
        healthReason: healthReset ? null : locked.healthReason,
        backfillSince,
      });
      await this.announce(manager, row, false);
      return row;
    });
    this.cache.put(updated, updated.id);
    this.relay.kick();
    if (reactivated) this.backfill.kick();
    return this.view(updated);
  }

  /** Deletes the channel and its credentials (and its webhook at the messenger); its URL answers 404 from then on. */
  async delete(channelId: string): Promise<Deleted> {
    const deleted = await this.dataSource.transaction(async (manager) => {
      const current = await this.channels.lock(manager, channelId);
      if (!current) return undefined;
      await this.channels.delete(manager, channelId);
      await this.announce(manager, current, true);
      return current;
    });
    this.cache.put(undefined, channelId);
    if (!deleted) return { deleted: false };
    this.relay.kick();
    const adapter = this.context.adapter;
    if (adapter.unregisterWebhook) {
      await adapter.unregisterWebhook(this.cache.toConnection(deleted)).catch((err: unknown) => {
        this.logger.warn({ channelId, err: describe(err) }, 'could not remove the webhook at the messenger');
      });
    }
    return { deleted: true };
  }

  async list(lineId?: string): Promise<ChannelList> {
    return { channels: (await this.channels.list(lineId)).map((c) => this.view(c)) };
  }

  /** Writes a health change (never called on the hot path: only when the state changes). */
  async setHealth(channelId: string, health: ChannelHealth, reason: string | null): Promise<void> {
    const updated = await this.dataSource.transaction(async (manager) => {
      const current = await this.channels.lock(manager, channelId);
      if (!current || (current.health === health && current.healthReason === reason)) return undefined;
      const row = await this.channels.update(manager, channelId, { ...current, health, healthReason: reason });
      await this.announce(manager, row, false);
      return row;
    });
    if (!updated) return;
    this.cache.put(updated, channelId);
    this.relay.kick();
    this.logger.warn({ channelId, health, reason }, 'channel health changed');
  }

  view(channel: ChannelRecord): ChannelView {
    return toChannelView(channel, this.context.type, this.context.webhookUrl(channel.id), this.context.adapter.customerLink?.(channel.settings));
  }

  private async register(created: ChannelRecord): Promise<void> {
    try {
      await this.context.adapter.registerWebhook?.(this.cache.toConnection(created));
    } catch (err: unknown) {
      // Undo the connect: a channel whose webhook is not registered would never receive anything.
      await this.delete(created.id);
      if (err instanceof ParleyError && err.retryable) throw err;
      throw new ParleyError(GatewayErrorCodes.WEBHOOK_REGISTRATION_FAILED, err instanceof Error ? err.message : 'webhook registration failed', {
        retryable: false,
        details: { channelId: created.id },
      });
    }
  }

  private async checkCredentials(draft: { settings: object; secrets: object }): Promise<{ externalId: string; settings?: object }> {
    try {
      return await this.context.adapter.checkCredentials(draft);
    } catch (err: unknown) {
      if (err instanceof ParleyError && (err.retryable || err.code === GatewayErrorCodes.CHANNEL_CHECK_FAILED)) throw err;
      const reason = err instanceof ParleyError ? err.message : `${this.context.type} did not accept the credentials`;
      throw new ParleyError(GatewayErrorCodes.CHANNEL_CHECK_FAILED, reason, {
        retryable: false,
        details: err instanceof ParleyError ? { messenger: err.options.details ?? {} } : {},
      });
    }
  }

  /** A repeated connect of the same channel is answered with it; another channel for the account is a conflict. */
  private alreadyThere(existing: ChannelRecord, id: string, lineId: string, externalId: string): ChannelView {
    if (existing.id === id && existing.externalId === externalId && existing.lineId === lineId) return this.view(existing);
    if (existing.externalId === externalId) {
      throw new ParleyError(GatewayErrorCodes.CHANNEL_ALREADY_CONNECTED, `${this.context.type} account ${externalId} is already connected`, {
        details: { externalId, channelId: existing.id, lineId: existing.lineId },
      });
    }
    throw new ParleyError(CommonErrorCodes.CONFLICT, `channel ${id} exists with other settings`, { details: { channelId: id } });
  }

  private async announce(manager: EntityManager, channel: ChannelRecord, deleted: boolean): Promise<void> {
    const envelope = createEnvelope(ChannelChangedV1, { ...this.view(channel), deleted }, newCorrelation());
    await this.outbox.add(manager, ChannelChangedV1, envelope);
  }
}

function notFound(channelId: string): ParleyError {
  return new ParleyError(CommonErrorCodes.NOT_FOUND, `channel ${channelId} not found`, { details: { channelId } });
}

export function describe(err: unknown): { name: string; message: string; code?: string } {
  if (err instanceof ParleyError) return { name: err.name, message: err.message, code: err.code };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'unknown', message: String(err) };
}
