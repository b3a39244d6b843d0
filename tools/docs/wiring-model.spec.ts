import { ConversationEvents, ReplyRequestedV1, type MessageDefinition } from '@parley/contracts';
import { BEGIN_MARKER, compressSubjects, END_MARKER, renderWiring, spliceWiring } from './architecture-markdown';
import { contractCatalogue } from './contract-catalogue';
import type { DeclaredWiring } from './declared-wiring';
import type { SourceProject, SourceSet } from './source-set';
import { buildWiringModel, WiringError, type Participant, type WiringModel } from './wiring-model';

const catalogue = contractCatalogue();
const noDeclarations: DeclaredWiring = { eventStoreRelays: {}, libraryRunners: {}, notContractMessages: [] };

function project(root: 'apps' | 'libs', name: string, files: Record<string, string>): SourceProject {
  return { name, files: Object.entries(files).map(([file, text]) => ({ path: `${root}/${name}/src/${file}`, text })) };
}

function model(services: SourceProject[], libraries: SourceProject[] = [], declared = noDeclarations): WiringModel {
  const sources: SourceSet = { services, libraries };
  return buildWiringModel(sources, catalogue, declared);
}

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (err: unknown) {
    if (err instanceof WiringError) return [...err.problems];
    throw err;
  }
  throw new Error('expected a WiringError');
}

const of = (m: WiringModel, subject: string) => {
  const found = m.subjects.find((s) => s.entry.definition.subject === subject);
  if (!found) throw new Error(`${subject} has no row`);
  return found;
};
const names = (ps: readonly Participant[]): string[] => ps.map((p) => `${p.service}${p.durable ? `/${p.durable}` : ''}${p.dynamic ? '*' : ''}`);

const gateway = project('apps', 'gateway-vk', {
  'handlers.ts': `
    import { GatewayRequestsByType, MessageReceivedV1, createEnvelope, ChannelChangedV1 } from '@parley/contracts';
    import { OnRequest } from '@parley/messaging';
    import { requests } from './requests';
    export class Handlers {
      @OnRequest(GatewayRequestsByType.vk.send) send() {}
      @OnRequest(requests.listChannels) list(requests) {}
      async webhook() { await this.inbound.publish(MessageReceivedV1, {}); createEnvelope(ChannelChangedV1, {}, c); }
      /** A pass-through: its callers are the sites. */
      async forward(definition) { await this.publisher.publish(definition, {}); }
    }`,
  'requests.ts': `import { GatewayRequestsByType } from '@parley/contracts';\nexport const requests = GatewayRequestsByType.vk;`,
});

const dispatcher = project('apps', 'outbound-dispatcher', {
  'worker.ts': `
    import { GatewayRequestsByType, ReplyRequestedV1 } from '@parley/contracts';
    import { OnEvent } from '@parley/messaging';
    const DURABLE = 'outbound-dispatcher-replies';
    export class Worker {
      @OnEvent(ReplyRequestedV1, { durable: DURABLE }) onReply() {}
      async send(claim) {
        const definition = GatewayRequestsByType[claim.channelType].send;
        return this.requests.request(definition, claim.payload, c);
      }
    }`,
});

describe('the wiring scan', () => {
  it('finds handlers, publishes and requests through imports, local constants and other files', () => {
    const m = model([gateway, dispatcher]);
    expect(names(of(m, 'parley.gateway-vk.send.v1').answers)).toEqual(['gateway-vk']);
    expect(names(of(m, 'parley.gateway-vk.list-channels.v1').answers)).toEqual(['gateway-vk']);
    expect(names(of(m, 'parley.inbound.message-received.v1').publishes)).toEqual(['gateway-vk']);
    expect(names(of(m, 'parley.channel.channel-changed.v1').publishes)).toEqual(['gateway-vk']);
    expect(names(of(m, 'parley.conversation.reply-requested.v1').consumes)).toEqual(['outbound-dispatcher/outbound-dispatcher-replies']);
    // Chosen by channel type at run time: shown against the gateways that exist, not as a subject of its own.
    expect(names(of(m, 'parley.gateway-vk.send.v1').requests)).toEqual(['outbound-dispatcher*']);
    expect(m.subjects.map((s) => s.entry.definition.subject)).not.toContain('parley.gateway-telegram.send.v1');
    expect(m.unused.map((e) => e.definition.subject)).toContain('parley.gateway-telegram.send.v1');
  });

  it('counts a raw durable consumer for every catalogued event its filter matches', () => {
    const feed = project('apps', 'console-api', {
      'feed.ts': `
        import { Streams } from '@parley/contracts';
        const FEED = 'console-api-feed';
        await ensureDurableConsumer(jsm, { stream: Streams.EVENTS.name, durable: FEED, filterSubject: 'parley.conversation.>' }, log);`,
    });
    const m = model([feed]);
    const consumed = m.subjects.filter((s) => s.consumes.some((p) => p.durable === 'console-api-feed')).map((s) => s.entry.definition.subject);
    expect(consumed.sort()).toEqual(ConversationEvents.map((d) => d.subject).sort());
    expect(of(m, ReplyRequestedV1.subject).consumes[0]).toMatchObject({ filter: 'parley.conversation.>' });
  });

  it('refuses a handler whose definition it cannot resolve, naming the file and line', () => {
    const app = project('apps', 'routing-service', {
      'h.ts': `import { OnRequest } from '@parley/messaging';\nclass H {\n  @OnRequest(this.definition) go() {}\n}`,
    });
    expect(problems(() => model([app]))).toEqual([expect.stringMatching(/^apps\/routing-service\/src\/h\.ts:3: @OnRequest\(this\.definition\)/)]);
  });

  it('takes a call declared as carrying no contract message, and refuses a declaration nothing matches', () => {
    const raw = project('apps', 'routing-service', { 'raw.ts': `let subject = pick();\nawait this.js.publish(subject, bytes);` });
    const declared: DeclaredWiring = { ...noDeclarations, notContractMessages: ['apps/routing-service/src/raw.ts: publish(subject, …)'] };
    expect(problems(() => model([raw]))).toEqual([expect.stringMatching(/raw\.ts:2: publish\(subject, …\) does not resolve/)]);
    expect(model([raw], [], declared).subjects).toEqual([]);
    expect(problems(() => model([gateway], [], declared))).toEqual([expect.stringMatching(/lists "apps\/routing-service\/src\/raw\.ts: publish\(subject, …\)", which the sources no longer hold/)]);
  });

  it('checks the declared event-store relays against the code, both ways', () => {
    const relaying = project('apps', 'conversation-service', { 'relay.ts': `const relay = new EventRelay(store, {});` });
    const silent = project('apps', 'conversation-service', { 'nothing.ts': `export const x = 1;` });
    const declared: DeclaredWiring = { ...noDeclarations, eventStoreRelays: { 'conversation-service': ConversationEvents as unknown as MessageDefinition[] } };
    expect(problems(() => model([relaying]))).toEqual([expect.stringMatching(/relay\.ts:1: conversation-service runs an event-store relay/)]);
    expect(problems(() => model([silent], [], declared))).toEqual([expect.stringMatching(/constructs no EventRelay/)]);
    expect(names(of(model([relaying], [], declared), ReplyRequestedV1.subject).publishes)).toEqual(['conversation-service']);
  });

  it("counts a library's wiring for the services its runner selects, and refuses an undeclared one", () => {
    const kit = project('libs', 'channel-kit', {
      'send.ts': `
        import { GatewayRequestsByType, MessageReceivedV1 } from '@parley/contracts';
        export function sendHandlerFor(type) {
          class SendHandler { @OnRequest(GatewayRequestsByType[type].send) send() {} }
          return SendHandler;
        }
        export const publishInbound = (p) => p.publish(MessageReceivedV1, {});`,
    });
    const importsKit = `import { sendHandlerFor } from '@parley/channel-kit';\nexport const H = sendHandlerFor('x');`;
    const vk = project('apps', 'gateway-vk', { 'main.ts': importsKit });
    const telegram = project('apps', 'gateway-telegram', { 'main.ts': importsKit });
    const consoleApi = project('apps', 'console-api', { 'main.ts': `import { AttachmentStore } from '@parley/channel-kit';` });
    expect(problems(() => model([vk], [kit]))).toEqual([expect.stringMatching(/^libs\/channel-kit has wiring .*libraryRunners/)]);

    const m = model([consoleApi, telegram, vk], [kit], { ...noDeclarations, libraryRunners: { 'channel-kit': (s) => s.startsWith('gateway-') } });
    expect(names(of(m, 'parley.inbound.message-received.v1').publishes)).toEqual(['gateway-telegram', 'gateway-vk']);
    // A handler chosen by channel type answers only its own service's subject.
    expect(names(of(m, 'parley.gateway-vk.send.v1').answers)).toEqual(['gateway-vk']);
    expect(names(of(m, 'parley.gateway-telegram.send.v1').answers)).toEqual(['gateway-telegram']);
    expect(m.unused.map((e) => e.definition.subject)).toContain('parley.gateway-viber.send.v1');
  });
});

describe('the generated section', () => {
  const generated = renderWiring(model([gateway, dispatcher]));

  it('lists every subject with its stream and participants between the markers', () => {
    expect(generated.startsWith(BEGIN_MARKER) && generated.endsWith(END_MARKER)).toBe(true);
    expect(generated).toContain(
      '| `parley.conversation.reply-requested.v1` | ReplyRequested v1 | PARLEY_EVENTS | — | outbound-dispatcher (`outbound-dispatcher-replies`) |',
    );
    expect(generated).toContain('| `parley.gateway-vk.send.v1` | SendReply v1 | command | gateway-vk | outbound-dispatcher (by channel type) |');
    expect(generated).toMatch(/Consumed, published by no service: `parley\.conversation\.reply-requested\.v1`/);
  });

  it('replaces only what is between the markers, and needs them', () => {
    const page = `# hand-written\n\n${BEGIN_MARKER}\nstale\n${END_MARKER}\n\n## also hand-written\n`;
    expect(spliceWiring(page, generated)).toBe(`# hand-written\n\n${generated}\n\n## also hand-written\n`);
    expect(() => spliceWiring('# no markers\n', generated)).toThrow(/needs the lines/);
  });

  it('writes subjects that differ in one place once', () => {
    expect(compressSubjects(['parley.gateway-viber.send.v1', 'parley.gateway-telegram.send.v1'])).toBe('`parley.gateway-{viber,telegram}.send.v1`');
  });
});
