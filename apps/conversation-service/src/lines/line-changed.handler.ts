import { Inject, Injectable } from '@nestjs/common';
import { LineChangedV1, type Envelope, type LineChanged } from '@parley/contracts';
import { OnEvent } from '@parley/messaging';
import { LinesRepository } from './lines.repository';

/** Keeps the local copy of lines (session rule, members) that the session rule and membership checks read. */
@Injectable()
export class LineChangedHandler {
  constructor(@Inject(LinesRepository) private readonly lines: LinesRepository) {}

  @OnEvent(LineChangedV1, { durable: 'conversation-service-lines', partitionKey: (e) => e.data.id })
  async onLineChanged(envelope: Envelope<LineChanged, 'LineChanged'>): Promise<void> {
    await this.lines.save(envelope.data, envelope.occurredAt);
  }
}
