import { Inject, Injectable } from '@nestjs/common';
import { actsOnAllLines, ListLinesV1, newCorrelation, ParleyError, type LineView } from '@parley/contracts';
import { RequestClient } from '@parley/messaging';
import type { Operator } from '../operators/operator.model';

/**
 * Which lines an operator works (asked from routing-service, the owner of membership). Supervisors and admins see
 * and act in every line.
 */
@Injectable()
export class LineAccessService {
  constructor(@Inject(RequestClient) private readonly requests: RequestClient) {}

  async visibleLines(operator: Operator): Promise<LineView[]> {
    const reply = await this.requests.request(ListLinesV1, actsOnAllLines(operator.role) ? {} : { memberId: operator.id }, newCorrelation());
    return reply.lines;
  }

  /** The line ids the operator may see, or `undefined` for "all" (supervisors and admins). */
  async visibleLineIds(operator: Operator): Promise<Set<string> | undefined> {
    if (actsOnAllLines(operator.role)) return undefined;
    const reply = await this.requests.request(ListLinesV1, { memberId: operator.id }, newCorrelation());
    return new Set(reply.lines.map((l) => l.id));
  }

  /** NOT_A_LINE_MEMBER unless the operator works the line (or is a supervisor or admin). */
  async assertMember(operator: Operator, lineId: string): Promise<void> {
    const visible = await this.visibleLineIds(operator);
    if (visible && !visible.has(lineId)) {
      throw new ParleyError('NOT_A_LINE_MEMBER', 'you are not a member of this line', { details: { lineId } });
    }
  }
}
