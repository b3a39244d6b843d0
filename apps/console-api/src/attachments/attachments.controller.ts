import {
  Controller,
  Get,
  Inject,
  Param,
  Post,
  Req,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ParleyError, type AttachmentRef } from '@parley/contracts';
import { AttachmentStore } from '@parley/channel-kit';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AllowQueryToken, Authenticated } from '../auth/auth.decorators';
import { AttachmentDto } from '../conversations/conversations.dto';
import type { StoredUpload } from './object-store-storage.engine';

@ApiTags('attachments')
@Controller('api/attachments')
@Authenticated()
export class AttachmentsController {
  constructor(@Inject(AttachmentStore) private readonly store: AttachmentStore) {}

  @Post()
  // Storage engine and size limit come from MulterModule.registerAsync in AttachmentsModule.
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({ summary: 'Upload a file (multipart field `file`, up to 50 MB) for a reply' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiCreatedResponse({ type: AttachmentDto })
  upload(@UploadedFile() file: StoredUpload | undefined): AttachmentRef {
    if (!file) throw new ParleyError('VALIDATION_FAILED', 'a multipart field `file` is required', { details: { fields: [{ field: 'file', problems: ['file is required'] }] } });
    return file.attachment;
  }

  @Get(':id')
  @AllowQueryToken()
  @ApiOperation({ summary: 'The bytes of an attachment (images inline, others as downloads)' })
  @ApiQuery({ name: 'access_token', required: false, description: 'Instead of the Authorization header (for <img src>)' })
  @ApiOkResponse({ description: 'The file', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } })
  @ApiNotFoundResponse({ description: 'NOT_FOUND' })
  async download(@Param('id') id: string, @Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    const found = await this.store.get(id);
    if (!found) throw new ParleyError('NOT_FOUND', `attachment ${id} not found`);
    const { ref, stream } = found;
    const tag = `"${ref.sha256}"`;
    res.setHeader('ETag', tag);
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    if (req.headers['if-none-match'] === tag) {
      stream.destroy();
      res.statusCode = 304;
      res.end();
      return;
    }
    const disposition = ref.kind === 'image' ? 'inline' : 'attachment';
    res.setHeader('Content-Type', ref.mime);
    res.setHeader('Content-Length', String(ref.size));
    res.setHeader('Content-Disposition', `${disposition}; filename="${asciiName(ref.name)}"; filename*=UTF-8''${encodeURIComponent(ref.name)}`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }
}

function asciiName(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
}
