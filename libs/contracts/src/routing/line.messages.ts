import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { SessionRule } from '../common/session-rule';
import { defineEvent, defineRequest } from '../envelope/message-definition';

/** A line: a queue of operators that a set of channels feeds. */
export class LineView {
  @IsUUID()
  id!: string;

  @IsString()
  name!: string;

  @ValidateNested()
  @Type(() => SessionRule)
  sessionRule!: SessionRule;

  /** Operators who work the line (see its queue, accept and answer its conversations). */
  @IsArray()
  @IsUUID('all', { each: true })
  memberIds!: string[];
}

export class CreateLine {
  /** Optional client-chosen id (makes the command idempotent). */
  @IsOptional()
  @IsUUID()
  lineId?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name!: string;

  @ValidateNested()
  @Type(() => SessionRule)
  sessionRule!: SessionRule;
}

export const CreateLineV1 = defineRequest({
  kind: 'command',
  type: 'CreateLine',
  version: 1,
  subject: 'parley.routing-service.create-line.v1',
  data: CreateLine,
  reply: LineView,
  description: 'Creates a line. CONFLICT when the name is taken.',
});

export class UpdateLine {
  @IsUUID()
  lineId!: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => SessionRule)
  sessionRule?: SessionRule;
}

export const UpdateLineV1 = defineRequest({
  kind: 'command',
  type: 'UpdateLine',
  version: 1,
  subject: 'parley.routing-service.update-line.v1',
  data: UpdateLine,
  reply: LineView,
  description: "Renames a line or changes its session rule.",
});

export class SetLineMembers {
  @IsUUID()
  lineId!: string;

  @IsArray()
  @ArrayMaxSize(10_000)
  @IsUUID('all', { each: true })
  operatorIds!: string[];
}

export const SetLineMembersV1 = defineRequest({
  kind: 'command',
  type: 'SetLineMembers',
  version: 1,
  subject: 'parley.routing-service.set-members.v1',
  data: SetLineMembers,
  reply: LineView,
  description: 'Replaces the operators of a line.',
});

export class ListLines {
  /** Only the lines this operator is a member of. */
  @IsOptional()
  @IsUUID()
  memberId?: string;
}

export class LineList {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => LineView)
  lines!: LineView[];
}

export const ListLinesV1 = defineRequest({
  kind: 'query',
  type: 'ListLines',
  version: 1,
  subject: 'parley.routing-service.list-lines.v1',
  data: ListLines,
  reply: LineList,
  description: 'Lines, optionally only those an operator works.',
});

/** Full state of a line after any change (event-carried state: consumers keep their own copy). */
export class LineChanged extends LineView {}

export const LineChangedV1 = defineEvent({
  type: 'LineChanged',
  version: 1,
  subject: 'parley.routing.line-changed.v1',
  data: LineChanged,
  description: 'A line was created or changed (name, session rule, members); carries the whole line.',
});
