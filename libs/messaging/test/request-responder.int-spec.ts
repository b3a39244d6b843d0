import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { createEnvelope, defineRequest, newCorrelation } from '@parley/contracts';
import { startSlowLink, startTestNats, type NatsServer, type SlowLink } from '@parley/testing';
import { IsString } from 'class-validator';
import { JetStreamPublisher, MessagingConnection, MessagingHost } from '../src';
import { recordingLogger } from './messaging-fixture';

class Ping {
  @IsString()
  text!: string;
}

const pingOf = (i: number) =>
  defineRequest({ kind: 'query', type: `Ping${i}`, version: 1, subject: `parley.race-test.ping-${i}.v1`, data: Ping, reply: Ping, description: 'readiness probe' });

/**
 * The responder's connection reaches the server through a link that holds its bytes for 150 ms, so a SUB that was
 * only written to the socket is not yet known to the server. A request from another connection right after the
 * responder reports itself started must still be answered: started means flushed to the server.
 */
describe('RequestResponder readiness', () => {
  let nats: NatsServer;
  let link: SlowLink;
  let responderSide: MessagingConnection;
  let host: MessagingHost;
  let caller: NatsConnection;

  beforeAll(async () => {
    nats = await startTestNats();
    link = await startSlowLink(nats.port, 150);
    const logger = recordingLogger();
    responderSide = await MessagingConnection.connect({ serviceName: 'readiness-test', servers: `nats://127.0.0.1:${link.port}`, logger });
    host = new MessagingHost(responderSide, new JetStreamPublisher(responderSide), { serviceName: 'readiness-test', logger });
    caller = await connect({ servers: nats.url });
  });
  afterAll(async () => {
    await caller.close();
    await host.stop();
    await responderSide.drain();
    await link.close();
    await nats.stop();
  });

  it('answers a request sent on another connection as soon as addRequestHandler has resolved', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const def = pingOf(i);
      await host.addRequestHandler(def, {}, (envelope) => ({ text: envelope.data.text }));
      const request = createEnvelope(def, { text: `ping ${i}` }, newCorrelation());
      try {
        const reply = await caller.request(def.subject, JSON.stringify(request), { timeout: 5_000 });
        outcomes.push(reply.json<{ ok: boolean }>().ok ? 'answered' : 'error reply');
      } catch (err) {
        outcomes.push((err as Error).message);
      }
    }
    expect(outcomes).toEqual(['answered', 'answered', 'answered']);
  });
});
