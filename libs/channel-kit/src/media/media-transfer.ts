import { Inject, Injectable } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { ParleyError, SendErrorCodes, type AttachmentRef } from '@parley/contracts';
import { PARLEY_LOGGER } from '@parley/observability';
import type { ChannelConnection, MediaToFetch } from '../adapter/channel-adapter';
import { AttachmentStore } from '../attachment-store';
import { GatewayContext } from '../gateway/gateway-context';
import { MediaDownloader } from './media-downloader';

/**
 * Copies media the messenger links to (links expire) into the attachment store. A file over the size cap, or one
 * the messenger refuses permanently, is left out of the message (logged) rather than failing it: the messenger
 * would otherwise retry the webhook for hours and the text would be lost with the file. A transient failure
 * throws a retryable ParleyError, so the webhook answers 503 and the messenger retries.
 */
@Injectable()
export class MediaTransfer {
  constructor(
    @Inject(GatewayContext) private readonly context: GatewayContext,
    @Inject(MediaDownloader) private readonly downloader: MediaDownloader,
    @Inject(AttachmentStore) private readonly store: AttachmentStore,
    @Inject(PARLEY_LOGGER) private readonly logger: PinoLogger,
  ) {}

  async copyAll(connection: ChannelConnection<object, object>, media: readonly MediaToFetch[]): Promise<AttachmentRef[]> {
    const refs: AttachmentRef[] = [];
    for (const item of media) {
      const ref = await this.copy(connection, item);
      if (ref) refs.push(ref);
    }
    return refs;
  }

  /** One file; undefined when it was left out. */
  async copy(connection: ChannelConnection<object, object>, item: MediaToFetch): Promise<AttachmentRef | undefined> {
    const limits = this.context.adapter.capabilities.attachmentsIn.maxBytes;
    const cap = Math.min(this.context.options.maxMediaBytes, limits[item.kind] ?? limits.default);
    if (item.size !== undefined && item.size > cap) {
      this.logger.warn({ source: item.source, size: item.size, cap }, 'media over the size cap left out');
      return undefined;
    }
    let downloaded: { bytes: Buffer; mime: string | undefined };
    try {
      const url = item.url ?? (await this.resolve(connection, item));
      downloaded = await this.downloader.download(url, cap, item.source);
    } catch (err: unknown) {
      if (err instanceof ParleyError && !err.retryable) {
        const reason = err.code === SendErrorCodes.MESSAGE_TOO_LONG ? 'over the size cap' : err.message;
        this.logger.warn({ source: item.source, reason }, 'media left out');
        return undefined;
      }
      throw err;
    }
    const mime = item.mime === 'application/octet-stream' && downloaded.mime ? downloaded.mime : item.mime;
    return this.store.put({ name: item.name, mime, kind: item.kind, data: downloaded.bytes });
  }

  private async resolve(connection: ChannelConnection<object, object>, item: MediaToFetch): Promise<string> {
    const resolve = this.context.adapter.resolveMedia;
    if (item.fileId === undefined || !resolve) {
      throw new ParleyError(SendErrorCodes.MESSENGER_REJECTED, `media ${item.source}: neither a URL nor a file id`, { retryable: false });
    }
    const located = await resolve.call(this.context.adapter, connection, item.fileId);
    if (located.size !== undefined && located.size > this.context.options.maxMediaBytes) {
      throw new ParleyError(SendErrorCodes.MESSAGE_TOO_LONG, `media ${item.source}: over the size cap`, { retryable: false });
    }
    return located.url;
  }
}
