import * as contracts from '@parley/contracts';
import { AllEvents, type MessageDefinition } from '@parley/contracts';
import { streamForSubject } from '@parley/messaging';

/** A message on the wire, as libs/contracts defines it. */
export interface CatalogueEntry {
  definition: MessageDefinition;
  /** The JetStream stream that captures the subject; undefined for commands and queries (core request/reply). */
  stream: string | undefined;
}

const kinds = new Set(['event', 'command', 'query']);

/** True for a value made by `defineEvent` / `defineRequest`. */
export function isMessageDefinition(value: unknown): value is MessageDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof MessageDefinition, unknown>>;
  return typeof v.kind === 'string' && kinds.has(v.kind) && typeof v.subject === 'string' && typeof v.type === 'string' && typeof v.version === 'number';
}

function collect(value: unknown, depth: number, out: Map<string, MessageDefinition>): void {
  if (isMessageDefinition(value)) {
    const known = out.get(value.subject);
    if (known && known !== value) throw new Error(`two definitions use the subject ${value.subject}`);
    out.set(value.subject, value);
    return;
  }
  if (depth === 0 || typeof value !== 'object' || value === null) return;
  for (const item of Array.isArray(value) ? value : Object.values(value)) collect(item, depth - 1, out);
}

/**
 * Every definition libs/contracts exports, directly or inside an exported array or record
 * (`ConversationEvents`, `GatewayRequestsByType.vk.send`). Events in `AllEvents` order (the relay's registry), then
 * commands and queries by subject.
 */
export function contractCatalogue(module: object = contracts): CatalogueEntry[] {
  const found = new Map<string, MessageDefinition>();
  collect(module, 3, found);
  const eventOrder = new Map(AllEvents.map((d, i) => [d.subject, i]));
  const rank = (d: MessageDefinition): number => (d.kind === 'event' ? (eventOrder.get(d.subject) ?? AllEvents.length) : AllEvents.length + 1);
  return [...found.values()]
    .sort((a, b) => rank(a) - rank(b) || a.subject.localeCompare(b.subject))
    .map((definition) => ({ definition, stream: definition.kind === 'event' ? streamForSubject(definition.subject) : undefined }));
}
