import type { CatalogueEntry } from './contract-catalogue';
import type { Participant, SubjectWiring, WiringModel } from './wiring-model';

export const BEGIN_MARKER = '<!-- BEGIN GENERATED: wiring (npm run docs:architecture; do not edit by hand) -->';
export const END_MARKER = '<!-- END GENERATED: wiring -->';

const code = (s: string): string => `\`${s}\``;
const message = (e: CatalogueEntry): string => `${e.definition.type} v${e.definition.version}`;

function who(p: Participant): string {
  const notes = [
    ...(p.durable ? [p.filter ? `${code(p.durable)} on ${code(p.filter)}` : code(p.durable)] : []),
    ...(p.relay ? ['event-store relay'] : []),
    ...(p.dynamic ? ['by channel type'] : []),
  ];
  return notes.length > 0 ? `${p.service} (${notes.join(', ')})` : p.service;
}

const list = (participants: readonly Participant[]): string => (participants.length > 0 ? participants.map(who).join('<br>') : '—');

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** `parley.gateway-{viber,telegram}.send.v1` for subjects that differ in one place. */
export function compressSubjects(subjects: readonly string[]): string {
  if (subjects.length < 2) return subjects.map(code).join(', ');
  let prefix = subjects[0] as string;
  let suffix = prefix;
  for (const s of subjects) {
    while (!s.startsWith(prefix)) prefix = prefix.slice(0, -1);
    while (!s.endsWith(suffix)) suffix = suffix.slice(1);
  }
  const middles = subjects.map((s) => s.slice(prefix.length, s.length - suffix.length));
  return code(`${prefix}{${middles.join(',')}}${suffix}`);
}

function services(wiring: readonly SubjectWiring[], role: keyof Omit<SubjectWiring, 'entry'>, service: string): string {
  const types = new Map<string, boolean>();
  for (const w of wiring) {
    for (const p of w[role]) {
      if (p.service !== service) continue;
      const key = w.entry.definition.type;
      types.set(key, (types.get(key) ?? true) && p.dynamic);
    }
  }
  return types.size === 0 ? '—' : [...types].map(([type, dynamic]) => (dynamic ? `${type} (by channel type)` : type)).join(', ');
}

function looseEnds(model: WiringModel): string[] {
  const events = model.subjects.filter((w) => w.entry.definition.kind === 'event');
  const requests = model.subjects.filter((w) => w.entry.definition.kind !== 'event');
  const subjects = (ws: readonly SubjectWiring[]): string => (ws.length > 0 ? ws.map((w) => code(w.entry.definition.subject)).join(', ') : 'none');
  const groups = new Map<string, CatalogueEntry[]>();
  for (const e of model.unused) groups.set(message(e), [...(groups.get(message(e)) ?? []), e]);
  return [
    `- Published, consumed by no service (there for integrators, or not used yet): ${subjects(events.filter((w) => w.consumes.length === 0))}.`,
    `- Consumed, published by no service: ${subjects(events.filter((w) => w.publishes.length === 0))}.`,
    `- Requested, answered by no service: ${subjects(requests.filter((w) => w.answers.length === 0))}.`,
    `- Answered, requested by no service (only from outside, e.g. tests or tools): ${subjects(requests.filter((w) => w.requests.length === 0))}.`,
    `- Defined in libs/contracts, named directly by no service: ${
      model.unused.length === 0 ? 'none' : [...groups].map(([m, es]) => `${m} ${compressSubjects(es.map((e) => e.definition.subject))}`).join('; ')
    }.`,
  ];
}

/** The generated part of docs/architecture.md: the subject tables and their loose ends. */
export function renderWiring(model: WiringModel): string {
  const events = model.subjects.filter((w) => w.entry.definition.kind === 'event');
  const requests = model.subjects.filter((w) => w.entry.definition.kind !== 'event');
  const lines = [
    BEGIN_MARKER,
    '',
    'Generated from libs/contracts and the sources of the services under apps/ by tools/docs: `@OnEvent`/`@OnRequest`',
    'handlers, `publish`/`createEnvelope`/`request` calls, raw durable consumers, and tools/docs/declared-wiring.ts for',
    'what a scan cannot see. "By channel type": the service picks the subject of the channel\'s gateway at run time',
    '(`GatewayRequestsByType[type]`).',
    '',
    `Services: ${model.services.join(', ')}.`,
    '',
    '### Events',
    '',
    ...table(
      ['subject', 'message', 'stream', 'published by', 'consumed by (durable)'],
      events.map((w) => [code(w.entry.definition.subject), message(w.entry), w.entry.stream ?? '—', list(w.publishes), list(w.consumes)]),
    ),
    '',
    '### Commands and queries (request/reply, queue group = the answering service)',
    '',
    ...table(
      ['subject', 'message', 'kind', 'answered by', 'requested by'],
      requests.map((w) => [code(w.entry.definition.subject), message(w.entry), w.entry.definition.kind, list(w.answers), list(w.requests)]),
    ),
    '',
    '### By service',
    '',
    ...table(
      ['service', 'publishes', 'consumes', 'answers', 'requests'],
      model.services.map((s) => [s, ...(['publishes', 'consumes', 'answers', 'requests'] as const).map((role) => services(model.subjects, role, s))]),
    ),
    '',
    '### Loose ends',
    '',
    ...looseEnds(model),
    '',
    END_MARKER,
  ];
  return lines.join('\n');
}

/** The page with its generated part replaced; fails when the markers are missing or out of order. */
export function spliceWiring(page: string, generated: string): string {
  const begin = page.indexOf(BEGIN_MARKER);
  const end = page.indexOf(END_MARKER);
  if (begin < 0 || end < begin) throw new Error(`docs/architecture.md needs the lines\n${BEGIN_MARKER}\n${END_MARKER}`);
  return `${page.slice(0, begin)}${generated}${page.slice(end + END_MARKER.length)}`;
}
