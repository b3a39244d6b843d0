import { ConversationEvents, type MessageDefinition } from '@parley/contracts';

/**
 * What the source scan cannot see, written down and checked against the sources by the generator (a declaration
 * the code no longer supports, or code that needs one and has none, stops `npm run docs:architecture` with the
 * file and line to look at).
 */
export interface DeclaredWiring {
  /**
   * Services that construct an event-store relay (`new EventRelay(`): it publishes every event the service
   * appends to its store, on the event's contract subject. The appends go through the store, not through a call
   * the scan recognises, so the events are declared here. Checked both ways: exactly these services construct one.
   */
  eventStoreRelays: Readonly<Record<string, readonly MessageDefinition[]>>;
  /**
   * Libraries other than the transport ones that may hold wiring of their own (a handler or a publish that every
   * gateway shares), and which services run it: a site in the library counts for every service this selects
   * among those importing the library. A library with wiring and no entry here stops the generator.
   */
  libraryRunners: Readonly<Record<string, (service: string) => boolean>>;
  /**
   * Calls the scan takes for wiring but that carry no contract message (say a raw subject held in a variable), as
   * `<file>: <what the error named>`, e.g. `apps/x/src/y.ts: publish(subject, …)`. Each must still match such a call.
   */
  notContractMessages: readonly string[];
}

export const declaredWiring: DeclaredWiring = {
  eventStoreRelays: {
    'conversation-service': ConversationEvents as unknown as readonly MessageDefinition[],
  },
  libraryRunners: {
    'channel-kit': (service) => service.startsWith('gateway-'),
  },
  notContractMessages: [],
};

/**
 * Libraries that move messages they are given and never name one (the scan skips them): the wire itself, the
 * transport, the event store and its relay, the outbox, logging, and the test harness.
 */
export const transportLibraries: ReadonlySet<string> = new Set(['contracts', 'messaging', 'event-store', 'service-kit', 'observability', 'testing']);
