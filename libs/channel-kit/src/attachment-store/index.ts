export { AttachmentStore, ATTACHMENT_BUCKET, type AttachmentStoreOptions, type PutAttachment, type StoredAttachment } from './attachment-store';
export { attachmentKindOf, normaliseMime } from './attachment-kind';
