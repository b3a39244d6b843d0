import type { Readable } from 'node:stream';
import { ParleyError, type AttachmentRef } from '@parley/contracts';
import type { AttachmentStore } from '@parley/channel-kit';

/** The part of multer's file object a storage engine sees. */
interface IncomingFile {
  originalname: string;
  mimetype: string;
  stream: Readable & { truncated?: boolean };
}

/** What the engine adds to the file object (`req.file.attachment`). */
export interface StoredUpload {
  attachment: AttachmentRef;
}

type Callback = (error: Error | null, info?: StoredUpload) => void;

/**
 * A multer storage engine that streams the upload straight into the attachment store (no temp file, no 50 MB
 * buffer). A file cut off by the size limit is deleted again and answered 413.
 */
export class ObjectStoreStorageEngine {
  constructor(private readonly store: AttachmentStore) {}

  _handleFile(_req: unknown, file: IncomingFile, callback: Callback): void {
    let limited = false;
    file.stream.once('limit', () => {
      limited = true;
    });
    this.store
      .put({ name: file.originalname, mime: file.mimetype, data: file.stream })
      .then(async (attachment) => {
        if (limited || file.stream.truncated) {
          await this.store.delete(attachment.id);
          callback(new ParleyError('PAYLOAD_TOO_LARGE', 'the file is larger than the upload limit'));
          return;
        }
        callback(null, { attachment });
      })
      .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
  }

  _removeFile(_req: unknown, file: Partial<StoredUpload>, callback: (error: Error | null) => void): void {
    if (!file.attachment) {
      callback(null);
      return;
    }
    this.store.delete(file.attachment.id).then(
      () => callback(null),
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
    );
  }
}
