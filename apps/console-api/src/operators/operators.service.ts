import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ParleyError } from '@parley/contracts';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../auth/password-hasher';
import type { Operator, OperatorRecord, OperatorRole } from './operator.model';
import { OperatorsRepository } from './operators.repository';

export function publicOperator(record: OperatorRecord): Operator {
  return { id: record.id, email: record.email, name: record.name, role: record.role };
}

@Injectable()
export class OperatorsService {
  constructor(@Inject(OperatorsRepository) private readonly repository: OperatorsRepository) {}

  /** Creates an operator; CONFLICT when the email exists. */
  async create(input: { email: string; name: string; role: OperatorRole; password: string }): Promise<Operator> {
    const created = await this.createIfAbsent(input);
    if (!created) throw new ParleyError('CONFLICT', `an operator with email ${input.email} exists`);
    return created;
  }

  /** Creates an operator unless the email exists (then undefined). */
  async createIfAbsent(input: { email: string; name: string; role: OperatorRole; password: string }): Promise<Operator | undefined> {
    const record: OperatorRecord = {
      id: randomUUID(),
      email: input.email.trim(),
      name: input.name.trim(),
      role: input.role,
      passwordHash: await hashPassword(input.password),
    };
    return (await this.repository.insertIfAbsent(record)) ? publicOperator(record) : undefined;
  }

  /** The operator whose email and password match; UNAUTHENTICATED otherwise (same work either way). */
  async authenticate(email: string, password: string): Promise<Operator> {
    const record = await this.repository.findByEmail(email.trim());
    const ok = await verifyPassword(password, record?.passwordHash ?? (await dummyPasswordHash()));
    if (!record || !ok) throw new ParleyError('UNAUTHENTICATED', 'wrong email or password');
    return publicOperator(record);
  }

  async get(id: string): Promise<Operator | undefined> {
    const record = await this.repository.findById(id);
    return record ? publicOperator(record) : undefined;
  }

  /**
   * Renames an operator or changes their role (NOT_FOUND when unknown). An admin cannot change their own role, so
   * there is always an admin who can undo a change.
   */
  async update(caller: Operator, id: string, patch: { name?: string; role?: OperatorRole }): Promise<Operator> {
    if (patch.role !== undefined && id === caller.id && patch.role !== caller.role) {
      throw new ParleyError('FORBIDDEN', 'you cannot change your own role; another admin can');
    }
    const updated = await this.repository.update(id, { ...(patch.name === undefined ? {} : { name: patch.name.trim() }), ...(patch.role ? { role: patch.role } : {}) });
    if (!updated) throw new ParleyError('NOT_FOUND', `operator ${id} not found`);
    return updated;
  }

  list(): Promise<Operator[]> {
    return this.repository.list();
  }
}
