import { Inject, Injectable } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { AttachmentStore } from '@parley/channel-kit';
import { ParleyError, SendErrorCodes, type AttachmentRef } from '@parley/contracts';
import { PARLEY_LOGGER } from '@parley/observability';
import { GatewayVkConfig } from '../gateway-vk.config';
import { VkApiClient, type VkMediaToDownload } from '../vk';

/**
 * Copies media VK links to (they expire) into the attachment store. A file over the size cap, or one VK refuses
 * permanently, is left out of the message (logged) rather than failing it: VK would otherwise retry the webhook
 * for hours and the text would be lost with the file. A transient failure (network, 5xx) throws a retryable
 * ParleyError, so the webhook answers 5xx and VK retries.
 */
@Injectable()
export class MediaCopier {
  constructor(
    @Inject(VkApiClient) private readonly vk: VkApiClient,
    @Inject(AttachmentStore) private readonly store: AttachmentStore,
    @Inject(GatewayVkConfig) private readonly config: GatewayVkConfig,
    @Inject(PARLEY_LOGGER) private readonly logger: PinoLogger,
  ) {}

  async copyAll(media: readonly VkMediaToDownload[]): Promise<AttachmentRef[]> {
    const refs: AttachmentRef[] = [];
    for (const item of media) {
      const ref = await this.copy(item);
      if (ref) refs.push(ref);
    }
    return refs;
  }

  /** One file; undefined when it was left out. */
  async copy(item: Pick<VkMediaToDownload, 'url' | 'name' | 'mime' | 'kind' | 'size' | 'source'>): Promise<AttachmentRef | undefined> {
    const cap = this.config.VK_MAX_MEDIA_BYTES;
    if (item.size !== undefined && item.size > cap) {
      this.logger.warn({ source: item.source, size: item.size, cap }, 'VK media over the size cap left out');
      return undefined;
    }
    let downloaded: { bytes: Buffer; mime: string | undefined };
    try {
      downloaded = await this.vk.download(item.url, cap);
    } catch (err: unknown) {
      if (err instanceof ParleyError && !err.retryable) {
        const reason = err.code === SendErrorCodes.MESSAGE_TOO_LONG ? 'over the size cap' : err.code;
        this.logger.warn({ source: item.source, reason }, 'VK media left out');
        return undefined;
      }
      throw err;
    }
    const mime = item.mime === 'application/octet-stream' && downloaded.mime ? downloaded.mime : item.mime;
    return this.store.put({ name: item.name, mime, kind: item.kind, data: downloaded.bytes });
  }
}
