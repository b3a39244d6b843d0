import ts from 'typescript';
import type { MessageDefinition } from '@parley/contracts';
import { subjectMatches } from '@parley/messaging';
import { isMessageDefinition } from './contract-catalogue';
import type { SourceProject } from './source-set';
import { StaticValues, type Evaluation, type ParsedFile } from './static-values';

/** How code takes part in a subject. */
export type WiringRole = 'publishes' | 'consumes' | 'answers' | 'requests';

/** One place in the sources that publishes, consumes, answers or requests one or more definitions. */
export interface WiringSite {
  role: WiringRole;
  /** `apps/<app>/src/...:<line>` */
  at: string;
  /** The definitions it stands for; several when a run-time key (a channel type) selects one of them. */
  definitions: MessageDefinition[];
  /** True when a key only known at run time chose among `definitions` (e.g. `GatewayRequestsByType[type].send`). */
  dynamic: boolean;
  /** Consumers: the durable name, and the subject filter when it is not the definition's own subject. */
  durable?: string;
  filter?: string;
}

/** A place the scan recognised as wiring but could not resolve to definitions: the generator refuses to guess. */
export interface UnresolvedSite {
  at: string;
  what: string;
}

export interface ProjectScan {
  project: string;
  sites: WiringSite[];
  unresolved: UnresolvedSite[];
  /** Where the project constructs an event-store relay (it publishes what it appends; see declared-wiring.ts). */
  relays: string[];
  /** `@parley/<lib>` imports. */
  importedLibraries: string[];
}

/** Calls whose first argument is the definition of what they send: `x.publish(Def, …)`, `x.request(Def, …)`, `createEnvelope(Def, …)`. */
const sendingCalls: Readonly<Record<string, WiringRole>> = { publish: 'publishes', createEnvelope: 'publishes', request: 'requests' };
const decorators: Readonly<Record<string, WiringRole>> = { OnEvent: 'consumes', OnRequest: 'answers' };

function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

function definitionsOf(evaluation: Evaluation): MessageDefinition[] | undefined {
  if (!evaluation.ok || !evaluation.values.every(isMessageDefinition)) return undefined;
  return evaluation.values as MessageDefinition[];
}

function stringOf(evaluation: Evaluation | undefined): string | undefined {
  return evaluation?.ok && evaluation.values.length === 1 && typeof evaluation.values[0] === 'string' ? evaluation.values[0] : undefined;
}

/**
 * Reads a project's sources and lists where it publishes, consumes, answers and requests contract messages:
 * `@OnEvent(Def, {durable})`, `@OnRequest(Def)`, `x.publish(Def, …)`, `createEnvelope(Def, …)`,
 * `x.request(Def, …)`, and raw durable consumers `ensureDurableConsumer(…, {stream, durable, filterSubject})`
 * (consumers of every catalogued subject the filter matches).
 */
export function scanProject(project: SourceProject, values: StaticValues, catalogue: readonly MessageDefinition[]): ProjectScan {
  const scan: ProjectScan = { project: project.name, sites: [], unresolved: [], relays: [], importedLibraries: [] };
  const libraries = new Set<string>();
  for (const file of project.files) {
    const parsed = values.parsed(file.path);
    const at = (node: ts.Node): string => `${file.path}:${parsed.ast.getLineAndCharacterOfPosition(node.getStart(parsed.ast)).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text.startsWith('@parley/')) {
        libraries.add(node.moduleSpecifier.text.slice('@parley/'.length));
      }
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'EventRelay') scan.relays.push(at(node));
      if (ts.isCallExpression(node)) visitCall(node, parsed, at(node), ts.isDecorator(node.parent));
      ts.forEachChild(node, visit);
    };
    visit(parsed.ast);
  }
  scan.importedLibraries = [...libraries].sort();
  return scan;

  function visitCall(call: ts.CallExpression, parsed: ParsedFile, at: string, isDecorator: boolean): void {
    const name = calleeName(call);
    if (name === undefined) return;
    const first = call.arguments[0];
    if (isDecorator && name in decorators && first) {
      const evaluation = values.evaluate(first, parsed);
      const definitions = definitionsOf(evaluation);
      if (!definitions) return void scan.unresolved.push({ at, what: `@${name}(${first.getText(parsed.ast)})` });
      const options = call.arguments[1] ? values.evaluateObject(call.arguments[1], parsed) : undefined;
      const durable = stringOf(options?.get('durable'));
      scan.sites.push({ role: decorators[name] as WiringRole, at, definitions, dynamic: evaluation.ok && evaluation.dynamic, ...(durable ? { durable } : {}) });
      return;
    }
    if (!isDecorator && name in sendingCalls && first) {
      const evaluation = values.evaluate(first, parsed);
      const definitions = definitionsOf(evaluation);
      if (definitions) {
        scan.sites.push({ role: sendingCalls[name] as WiringRole, at, definitions, dynamic: evaluation.ok && evaluation.dynamic });
      } else if (!evaluation.ok && evaluation.reason === 'unresolved') {
        scan.unresolved.push({ at, what: `${name}(${first.getText(parsed.ast)}, …)` });
      }
      // Anything else is not a contract message: a raw subject string, or a parameter passed through (the
      // caller's own call is the site).
      return;
    }
    if (name === 'ensureDurableConsumer' && call.arguments[1]) {
      const spec = values.evaluateObject(call.arguments[1], parsed);
      const durable = stringOf(spec?.get('durable'));
      const filter = stringOf(spec?.get('filterSubject'));
      const stream = stringOf(spec?.get('stream'));
      if (!durable || !filter || !stream) return void scan.unresolved.push({ at, what: `ensureDurableConsumer(…, ${call.arguments[1].getText(parsed.ast)})` });
      const definitions = catalogue.filter((d) => d.kind === 'event' && subjectMatches(filter, d.subject));
      scan.sites.push({ role: 'consumes', at, definitions, dynamic: false, durable, filter });
    }
  }
}
