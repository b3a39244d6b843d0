import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { AttachmentStore } from '@parley/channel-kit';
import { MediaLinkSigner } from './media-link.signer';

/** The parts of Express's response used here. */
interface StreamResponse extends Writable {
  status(code: number): StreamResponse;
  setHeader(name: string, value: string): void;
  type(contentType: string): StreamResponse;
  send(body: string): void;
  headersSent: boolean;
}

/**
 * `GET /media/viber/:attachmentId/:expires/:signature/:fileName`: the attachment, when the link is signed and
 * unexpired; otherwise 404 (a wrong signature and an expired link look the same; nothing else is reachable here).
 */
@Controller('media/viber')
export class MediaLinkController {
  constructor(
    @Inject(MediaLinkSigner) private readonly signer: MediaLinkSigner,
    @Inject(AttachmentStore) private readonly store: AttachmentStore,
  ) {}

  @Get(':attachmentId/:expires/:signature/:fileName')
  async serve(
    @Param('attachmentId') attachmentId: string,
    @Param('expires') expires: string,
    @Param('signature') signature: string,
    @Res() res: StreamResponse,
  ): Promise<void> {
    const claim = this.signer.verify(attachmentId, expires, signature);
    const stored = claim ? await this.store.get(claim.attachmentId) : undefined;
    if (!claim || !stored) {
      res.status(404).type('text/plain').send('not found');
      return;
    }
    res.status(200);
    res.setHeader('content-type', stored.ref.mime);
    res.setHeader('content-length', String(stored.ref.size));
    res.setHeader('cache-control', 'private, no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(stored.ref.name)}`);
    try {
      await pipeline(stored.stream, res);
    } catch {
      // The client went away, or the object failed its digest: the connection is closed either way.
      res.destroy();
    }
  }
}
