import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { AttachmentStore } from '@parley/channel-kit';
import { ConsoleApiConfig } from '../console-api.config';
import { AttachmentsController } from './attachments.controller';
import { ObjectStoreStorageEngine } from './object-store-storage.engine';

@Module({
  imports: [
    MulterModule.registerAsync({
      inject: [AttachmentStore, ConsoleApiConfig],
      useFactory: (store: AttachmentStore, config: ConsoleApiConfig) => ({
        storage: new ObjectStoreStorageEngine(store),
        limits: { fileSize: config.ATTACHMENT_MAX_BYTES, files: 1, fields: 10 },
      }),
    }),
  ],
  controllers: [AttachmentsController],
})
export class AttachmentsModule {}
