import { BadRequestException, NotFoundException, InternalServerErrorException } from '@nestjs/common';
import { ParleyError } from '@parley/contracts';
import { IsInt, IsString, Min, ValidateNested, validateSync } from 'class-validator';
import { Type, plainToInstance } from 'class-transformer';
import { DEFAULT_HTTP_STATUS_MAP } from './http-status-map';
import { toHttpError } from './parley-exception.filter';
import { validationFailed } from './validation-errors';

describe('toHttpError', () => {
  it.each([
    ['NOT_FOUND', 404],
    ['CONFLICT', 409],
    ['CONCURRENCY_CONFLICT', 409],
    ['FORBIDDEN', 403],
    ['UNAUTHENTICATED', 401],
    ['CONTRACT_VIOLATION', 400],
    ['VALIDATION_FAILED', 400],
    ['UNAVAILABLE', 503],
    ['TIMEOUT', 504],
    ['INTERNAL', 500],
    ['CONVERSATION_NOT_ASSIGNED', 500],
  ])('maps %s to %i by default', (code, status) => {
    expect(toHttpError(new ParleyError(code, 'x')).status).toBe(status);
  });

  it('uses the table the app passes in', () => {
    const map = { ...DEFAULT_HTTP_STATUS_MAP, CONVERSATION_NOT_ASSIGNED: 409, NOT_FOUND: 410 };
    expect(toHttpError(new ParleyError('CONVERSATION_NOT_ASSIGNED', 'x'), map).status).toBe(409);
    expect(toHttpError(new ParleyError('NOT_FOUND', 'x'), map).status).toBe(410);
  });

  it('answers { error: { code, message, details } } for client errors', () => {
    const answer = toHttpError(new ParleyError('NOT_FOUND', 'conversation c-1 not found', { details: { id: 'c-1' } }));
    expect(answer).toEqual({
      status: 404,
      headers: {},
      serverFault: false,
      body: { error: { code: 'NOT_FOUND', message: 'conversation c-1 not found', details: { id: 'c-1' } } },
    });
  });

  it('omits details when there are none', () => {
    expect(toHttpError(new ParleyError('FORBIDDEN', 'no')).body).toEqual({ error: { code: 'FORBIDDEN', message: 'no' } });
  });

  it('sets Retry-After from retryAfterMs', () => {
    const answer = toHttpError(new ParleyError('UNAVAILABLE', 'nats down', { retryable: true, retryAfterMs: 1500 }));
    expect(answer.status).toBe(503);
    expect(answer.headers).toEqual({ 'Retry-After': '2' });
    expect(answer.body.error.message).toBe('nats down');
  });

  it('hides the message and details of a 500 ParleyError but keeps its code', () => {
    const answer = toHttpError(new ParleyError('EVENT_STORE_CORRUPT', 'row 17 in schema x', { details: { sql: 'select' } }));
    expect(answer.serverFault).toBe(true);
    expect(answer.body).toEqual({ error: { code: 'EVENT_STORE_CORRUPT', message: 'Internal server error' } });
  });

  it('answers unknown errors with a generic 500 that leaks nothing', () => {
    const answer = toHttpError(new TypeError("Cannot read properties of undefined (reading 'password')"));
    expect(answer.status).toBe(500);
    expect(answer.serverFault).toBe(true);
    expect(answer.body).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error' } });
    expect(toHttpError('a thrown string').body.error.code).toBe('INTERNAL');
  });

  it("maps Nest's HttpExceptions by status", () => {
    expect(toHttpError(new NotFoundException('Cannot GET /nope'))).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'Cannot GET /nope' } },
    });
    expect(toHttpError(new InternalServerErrorException('db password wrong'))).toMatchObject({
      status: 500,
      serverFault: true,
      body: { error: { code: 'INTERNAL', message: 'Internal server error' } },
    });
  });

  it("turns ValidationPipe's default BadRequestException into VALIDATION_FAILED", () => {
    const exception = new BadRequestException(['text must be a string', 'conversationId should not be empty']);
    expect(toHttpError(exception)).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'VALIDATION_FAILED',
          details: { problems: ['text must be a string', 'conversationId should not be empty'] },
        },
      },
    });
  });
});

class AttachmentDto {
  @IsString()
  mime!: string;
}

class ReplyDto {
  @IsString()
  text!: string;

  @IsInt()
  @Min(0)
  priority!: number;

  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments!: AttachmentDto[];
}

describe('validationFailed', () => {
  it('lists every offending field, nested ones as dotted paths, as a 400 VALIDATION_FAILED', () => {
    const dto = plainToInstance(ReplyDto, { text: 5, priority: -1, attachments: [{ mime: 'image/png' }, { mime: 7 }] });
    const error = validationFailed(validateSync(dto));
    const answer = toHttpError(error);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
    expect(answer.body.error.details).toEqual({
      fields: [
        { field: 'text', problems: ['text must be a string'] },
        { field: 'priority', problems: ['priority must not be less than 0'] },
        { field: 'attachments.1.mime', problems: ['mime must be a string'] },
      ],
    });
  });
});
