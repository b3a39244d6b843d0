import * as contracts from '@parley/contracts';
import type { MessageDefinition } from '@parley/contracts';
import type { CatalogueEntry } from './contract-catalogue';
import { transportLibraries, type DeclaredWiring } from './declared-wiring';
import type { SourceProject, SourceSet } from './source-set';
import { StaticValues } from './static-values';
import { scanProject, type ProjectScan, type WiringRole, type WiringSite } from './wiring-scan';

/** A service's part in one subject. */
export interface Participant {
  service: string;
  /** Chosen at run time among several subjects of the same shape (the gateway of a channel's type). */
  dynamic: boolean;
  durable?: string;
  /** A consumer's filter when it is wider than the subject (`parley.conversation.>`). */
  filter?: string;
  /** Published by the service's event-store relay rather than by a call in its code. */
  relay?: boolean;
}

export interface SubjectWiring {
  entry: CatalogueEntry;
  publishes: Participant[];
  consumes: Participant[];
  answers: Participant[];
  requests: Participant[];
}

export interface WiringModel {
  services: string[];
  /** Subjects at least one service names directly (not only through a run-time choice), in catalogue order. */
  subjects: SubjectWiring[];
  /** Defined in libs/contracts; no service names them directly. */
  unused: CatalogueEntry[];
}

/** The sources contradict the declarations, or hold wiring the scan cannot resolve. */
export class WiringError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`the architecture page cannot be generated:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'WiringError';
  }
}

/** `parley.gateway-vk.send.v1` → `gateway-vk`: the service that answers a command or query (ADR 0002). */
function answeringService(definition: MessageDefinition): string | undefined {
  return definition.kind === 'event' ? undefined : definition.subject.split('.')[1];
}

/**
 * Who publishes, consumes, answers and requests every subject, from the catalogue, the services' sources (and
 * those of the libraries they run) and the declarations for what the scan cannot see.
 */
export function buildWiringModel(sources: SourceSet, catalogue: readonly CatalogueEntry[], declared: DeclaredWiring): WiringModel {
  const scanned: SourceProject[] = [...sources.services, ...sources.libraries.filter((l) => !transportLibraries.has(l.name))];
  const values = new StaticValues(scanned.flatMap((p) => p.files), { '@parley/contracts': contracts });
  const definitions = catalogue.map((e) => e.definition);
  const services = sources.services.map((s) => scanProject(s, values, definitions));
  const libraries = new Map(sources.libraries.filter((l) => !transportLibraries.has(l.name)).map((l) => [l.name, scanProject(l, values, definitions)]));
  const problems: string[] = [];
  const notContract = new Set(declared.notContractMessages);
  for (const scan of [...services, ...libraries.values()]) {
    for (const u of scan.unresolved) {
      const key = `${u.at.replace(/:\d+$/, '')}: ${u.what}`;
      if (notContract.delete(key)) continue;
      problems.push(`${u.at}: ${u.what} does not resolve to a libs/contracts definition (make it one, or list "${key}" in declaredWiring.notContractMessages)`);
    }
  }
  for (const stale of notContract) problems.push(`declaredWiring.notContractMessages lists "${stale}", which the sources no longer hold`);
  for (const [library, scan] of libraries) {
    const wired = scan.sites.length > 0 || scan.relays.length > 0;
    if (wired && !declared.libraryRunners[library]) {
      problems.push(`libs/${library} has wiring (${[...scan.sites.map((s) => s.at), ...scan.relays][0]}): say which services run it in declaredWiring.libraryRunners`);
    }
  }

  const bySubject = new Map<string, SubjectWiring>(catalogue.map((entry) => [entry.definition.subject, { entry, publishes: [], consumes: [], answers: [], requests: [] }]));
  const add = (role: WiringRole, definition: MessageDefinition, participant: Participant): void => {
    const wiring = bySubject.get(definition.subject);
    if (!wiring) return void problems.push(`${definition.subject} is used but not exported by libs/contracts`);
    wiring[role].push(participant);
  };
  const addSite = (service: string, site: WiringSite): void => {
    // A handler chosen by channel type (a gateway's, shared in a library) answers its own service's subject only,
    // which makes it exact again.
    const ownOnly = site.role === 'answers' && site.dynamic;
    for (const definition of site.definitions) {
      if (ownOnly && answeringService(definition) !== service) continue;
      const dynamic = site.dynamic && !ownOnly;
      add(site.role, definition, { service, dynamic, ...(site.durable ? { durable: site.durable } : {}), ...(site.filter ? { filter: site.filter } : {}) });
    }
  };

  for (const scan of services) {
    for (const site of scan.sites) addSite(scan.project, site);
    for (const library of scan.importedLibraries) {
      const runs = declared.libraryRunners[library];
      const libraryScan = libraries.get(library);
      if (runs?.(scan.project) && libraryScan) for (const site of libraryScan.sites) addSite(scan.project, site);
    }
  }
  checkRelays(services, declared, problems);
  for (const [service, events] of Object.entries(declared.eventStoreRelays)) {
    for (const definition of events) add('publishes', definition, { service, dynamic: false, relay: true });
  }
  if (problems.length > 0) throw new WiringError(problems);

  const subjects: SubjectWiring[] = [];
  const unused: CatalogueEntry[] = [];
  for (const wiring of bySubject.values()) {
    const roles = ['publishes', 'consumes', 'answers', 'requests'] as const;
    for (const role of roles) wiring[role] = merge(wiring[role]);
    if (roles.some((role) => wiring[role].some((p) => !p.dynamic))) subjects.push(wiring);
    else unused.push(wiring.entry);
  }
  return { services: services.map((s) => s.project), subjects, unused };
}

function checkRelays(services: readonly ProjectScan[], declared: DeclaredWiring, problems: string[]): void {
  for (const scan of services) {
    const isDeclared = scan.project in declared.eventStoreRelays;
    if (scan.relays.length > 0 && !isDeclared) {
      problems.push(`${scan.relays[0]}: ${scan.project} runs an event-store relay; declare what it appends in declaredWiring.eventStoreRelays`);
    }
    if (scan.relays.length === 0 && isDeclared) {
      problems.push(`declaredWiring.eventStoreRelays names ${scan.project}, which constructs no EventRelay any more`);
    }
  }
  for (const service of Object.keys(declared.eventStoreRelays)) {
    if (!services.some((s) => s.project === service)) problems.push(`declaredWiring.eventStoreRelays names ${service}, which is not a service under apps/`);
  }
}

/** One participant per service, durable and filter; a direct use beats a run-time choice of the same service. */
function merge(participants: readonly Participant[]): Participant[] {
  const out = new Map<string, Participant>();
  for (const p of participants) {
    const key = `${p.service}|${p.durable ?? ''}|${p.filter ?? ''}|${p.relay ? 'relay' : ''}`;
    const known = out.get(key);
    if (!known || (known.dynamic && !p.dynamic)) out.set(key, p);
  }
  return [...out.values()].sort((a, b) => a.service.localeCompare(b.service) || (a.durable ?? '').localeCompare(b.durable ?? ''));
}
