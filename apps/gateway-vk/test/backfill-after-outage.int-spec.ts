import { randomUUID } from 'node:crypto';
import { GatewayRequestsByType, newCorrelation, type ChannelView } from '@parley/contracts';
import { GatewayTestbed } from '@parley/channel-kit/testbed';
import type { RequestClient } from '@parley/messaging';
import { VkFake, waitFor, type StoredEvent } from '@parley/testing';
import { Client } from 'pg';
import { configureGatewayVkApp, createAppModule } from '../src/app.module';
import { GatewayVkConfig } from '../src/gateway-vk.config';

/*
 * A callback outage loses messages B and C for good (VK gave up on them), then the customer writes D, which
 * arrives. Switching the channel Disconnected → Active must bring B and C in, although they are older than the
 * newest message Parley received (D): the backfill reads the whole 24-hour window and skips known dedupe keys.
 */

const vkRequests = GatewayRequestsByType.vk;
const GROUP = 22001;
const TOKEN = 'vk1.a.outage-community-token';
const USER = 5151;

describe('gateway-vk backfill after a callback outage', () => {
  const bed = new GatewayTestbed({
    serviceName: 'gateway-vk',
    clientName: 'gateway-vk-outage-test',
    database: 'gateway_vk_outage',
    startFake: () => VkFake.start({ callbackRetry: { maxRetries: 0, delayMs: 50, timeoutMs: 20_000 } }),
    configClass: GatewayVkConfig,
    env: (fake) => ({ VK_API_URL: fake.apiUrl }),
    module: createAppModule,
    configure: configureGatewayVkApp,
    logLevel: 'warn',
  });
  let vk: VkFake;
  let requests: RequestClient;
  let channel: ChannelView;
  let pg: Client;

  const received = async (): Promise<StoredEvent[]> =>
    (await bed.inbound()).filter((e) => e.envelope.type === 'MessageReceived');

  beforeAll(async () => {
    await bed.start();
    ({ fake: vk, requests } = bed);
    vk.addCommunity({ id: GROUP, name: 'Shop', token: TOKEN, secret: 'outage-secret', confirmation: 'c0nf' });
    vk.addUser({ id: USER, firstName: 'Anna', lastName: 'K' });
    const settings = { groupId: GROUP, confirmation: 'c0nf', secret: 'outage-secret', token: TOKEN };
    channel = await requests.request(vkRequests.connectChannel, { lineId: randomUUID(), name: 'Shop', settings }, newCorrelation());
    vk.setCallbackUrl(GROUP, channel.webhookUrl);
    pg = new Client({ connectionString: bed.db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    await bed.stop();
  });

  it('fetches B and C (lost in the outage, older than D) once after Disconnected → Active; A and D are not repeated', async () => {
    const now = Math.floor(Date.now() / 1000);
    const write = (text: string, minutesAgo: number, deliver: boolean) =>
      vk.writeAsCustomer({ groupId: GROUP, userId: USER, text, date: now - minutesAgo * 60, deliver });
    const a = await write('A before the outage', 180, true);
    expect(a.delivery?.delivered).toBe(true);
    // The outage: VK stored B and C but its callbacks never reached Parley.
    const b = await write('B during the outage', 120, false);
    const c = await write('C during the outage', 90, false);
    const d = await write('D after the outage', 30, true);
    expect(d.delivery?.delivered).toBe(true);
    const key = (m: { id: number }): string => `vk:${GROUP}:msg:${m.id}`;
    expect((await received()).map((e) => e.envelope.data['dedupeKey'])).toEqual([key(a.message), key(d.message)]);

    expect(await requests.request(vkRequests.updateChannel, { channelId: channel.id, active: false }, newCorrelation())).toMatchObject({ status: 'disconnected' });
    expect(await requests.request(vkRequests.updateChannel, { channelId: channel.id, active: true }, newCorrelation())).toMatchObject({ status: 'active' });

    // The backfill is done once its mark is cleared (the mark is set in the transaction of the switch).
    await waitFor(async () => {
      const { rows } = await pg.query<{ backfill_since: Date | null }>('SELECT backfill_since FROM gateway_vk.channels WHERE id = $1', [channel.id]);
      return rows[0]?.backfill_since === null ? true : undefined;
    }, { what: 'the backfill mark cleared', timeoutMs: 20_000 });
    const backfilled = (await received()).filter((e) => e.envelope.data['source'] === 'backfill');
    expect(backfilled.map((e) => e.envelope.data['text'])).toEqual(['B during the outage', 'C during the outage']);
    const keys = (await received()).map((e) => String(e.envelope.data['dedupeKey']));
    expect(keys.sort()).toEqual([a, b, c, d].map((m) => key(m.message)).sort());
  });
});
