import type { AttachmentKind } from '@parley/contracts';

/** How a console shows a file, from its MIME type: images inline, audio/video with players, the rest as downloads. */
export function attachmentKindOf(mime: string): AttachmentKind {
  const type = mime.toLowerCase().split('/')[0];
  switch (type) {
    case 'image':
      return 'image';
    case 'audio':
      return 'audio';
    case 'video':
      return 'video';
    default:
      return 'file';
  }
}

const MIME_PATTERN = /^[\w.+-]+\/[\w.+-]+$/;

/** A MIME type the contracts accept (`type/subtype`, no parameters); anything else becomes `application/octet-stream`. */
export function normaliseMime(mime: string | undefined): string {
  const bare = (mime ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return MIME_PATTERN.test(bare) ? bare : 'application/octet-stream';
}
