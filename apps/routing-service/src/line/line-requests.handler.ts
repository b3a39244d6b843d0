import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import {
  CommonErrorCodes,
  CreateLineV1,
  LineChangedV1,
  ListLinesV1,
  ParleyError,
  SetLineMembersV1,
  UpdateLineV1,
  causedBy,
  createEnvelope,
  type CreateLine,
  type Envelope,
  type LineList,
  type LineView,
  type ListLines,
  type SetLineMembers,
  type UpdateLine,
} from '@parley/contracts';
import { OnRequest } from '@parley/messaging';
import { isUniqueViolation, OutboxRelay, OutboxWriter } from '@parley/service-kit';
import { LINE_NAME_INDEX, LINE_PRIMARY_KEY, LineRepository } from './line.repository';
import { decideCreate, decideMembers, decideUpdate, lineNameConflict, type Decision, type Line } from './line.rules';

function toView(line: Line): LineView {
  return { id: line.id, name: line.name, sessionRule: { ...line.sessionRule }, memberIds: [...line.memberIds] };
}

/**
 * Line commands and queries. Every change is written together with its `LineChanged` (the whole line) in the
 * outbox, in one transaction; the outbox relay publishes it after the commit. Changes to one line are serialised
 * by its row lock, so its `LineChanged` events are published in the order they happened.
 */
@Injectable()
export class LineRequestsHandler {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(LineRepository) private readonly lines: LineRepository,
    @Inject(OutboxWriter) private readonly outbox: OutboxWriter,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
  ) {}

  @OnRequest(CreateLineV1)
  async create(envelope: Envelope<CreateLine, 'CreateLine'>): Promise<LineView> {
    const { lineId, name, sessionRule } = envelope.data;
    const id = lineId ?? uuidv7();
    const attempt = () =>
      this.change(envelope, async (manager) => {
        const decision = decideCreate(await this.lines.findForUpdate(manager, id), { id, name, sessionRule });
        if (decision.changed) await this.lines.insert(manager, decision.line);
        return decision;
      }, name);
    try {
      return await attempt();
    } catch (err) {
      // A concurrent create with the same id won: run again, which now sees its line (a retry or a conflict).
      if (isUniqueViolation(err, LINE_PRIMARY_KEY)) return attempt();
      throw err;
    }
  }

  @OnRequest(UpdateLineV1)
  async update(envelope: Envelope<UpdateLine, 'UpdateLine'>): Promise<LineView> {
    const { lineId, name, sessionRule } = envelope.data;
    return this.change(envelope, async (manager) => {
      const decision = decideUpdate(await this.existing(manager, lineId), { name, sessionRule });
      if (decision.changed) await this.lines.update(manager, decision.line);
      return decision;
    }, name);
  }

  @OnRequest(SetLineMembersV1)
  async setMembers(envelope: Envelope<SetLineMembers, 'SetLineMembers'>): Promise<LineView> {
    const { lineId, operatorIds } = envelope.data;
    return this.change(envelope, async (manager) => {
      const decision = decideMembers(await this.existing(manager, lineId), operatorIds);
      if (decision.changed) await this.lines.replaceMembers(manager, lineId, decision.line.memberIds);
      return decision;
    });
  }

  @OnRequest(ListLinesV1)
  async list(envelope: Envelope<ListLines, 'ListLines'>): Promise<LineList> {
    return { lines: (await this.lines.list(envelope.data.memberId)).map(toView) };
  }

  private async existing(manager: EntityManager, lineId: string): Promise<Line> {
    const line = await this.lines.findForUpdate(manager, lineId);
    if (!line) throw new ParleyError(CommonErrorCodes.NOT_FOUND, `line ${lineId} not found`);
    return line;
  }

  /** Runs a decision in a transaction and, when it changed the line, puts its LineChanged in the outbox. */
  private async change(cause: Envelope, decide: (manager: EntityManager) => Promise<Decision>, name?: string): Promise<LineView> {
    let decision: Decision;
    try {
      decision = await this.dataSource.transaction(async (manager) => {
        const d = await decide(manager);
        if (d.changed) {
          const event = createEnvelope(LineChangedV1, toView(d.line), causedBy(cause));
          await this.outbox.add(manager, LineChangedV1, event);
        }
        return d;
      });
    } catch (err) {
      if (isUniqueViolation(err, LINE_NAME_INDEX)) throw lineNameConflict(name?.trim() ?? '');
      throw err;
    }
    if (decision.changed) this.relay.kick();
    return toView(decision.line);
  }
}
