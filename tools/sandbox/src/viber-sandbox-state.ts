import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ViberFake, ViberInMessage, ViberSentMessage } from '@parley/testing';
import { writeFileAtomic } from './atomic-write';
import { avatarPng } from './telegram-sandbox-state';

/** The demo Viber bot: its auth token is what the console's "Connect Viber bot" form asks for. */
export interface SandboxViberBot {
  authToken: string;
  name: string;
  /** The bot's URI: the deep link is `viber://pa?chatURI=<uri>`. */
  uri: string;
}

export interface SandboxViberUser {
  id: string;
  name: string;
}

/** One line of the sandbox's chat log: what the customer did on the page (the fake keeps only the bot's side). */
export interface ViberCustomerEntry {
  userId: string;
  /** message_token as a decimal string (above 2^53). */
  token: string;
  at: number;
  kind: 'message' | 'conversation_started' | 'subscribed' | 'unsubscribed';
  message?: ViberInMessage;
  delivery: { state: 'delivering' | 'delivered' | 'failed' | 'not-sent'; detail?: string };
}

/** What `.parley/sandbox-viber.json` holds: the same bot (token), users, webhook, subscriptions and both sides of each chat. */
export interface ViberSandboxSnapshot {
  version: 1;
  bot: SandboxViberBot;
  users: SandboxViberUser[];
  webhook?: { url: string; eventTypes: string[]; sendName: boolean; sendPhoto: boolean };
  subscribed: string[];
  customerLog: ViberCustomerEntry[];
  /** The bot's messages without downloaded bytes (Parley's media links are shown as they are). */
  sent: Array<Omit<ViberSentMessage, 'messageToken' | 'mediaBytes'> & { messageToken: string }>;
}

export function newViberBot(): SandboxViberBot {
  // Viber tokens look like `445da6az1s345z78-dazcczb2542zv51a-e0vc5fva17480im9`.
  const part = (): string => randomBytes(8).toString('hex');
  return { authToken: `${part()}-${part()}-${part()}`, name: 'Parley demo shop', uri: 'parleydemoshop' };
}

export const DEMO_VIBER_USERS: SandboxViberUser[] = [
  { id: 'ZGVtb1VzZXJNYXJpYQ==', name: 'Maria Petrenko' },
  { id: 'ZGVtb1VzZXJKb2huUw==', name: 'John Smith' },
];

export function addViberUser(fake: ViberFake, user: SandboxViberUser, seed: number): void {
  fake.addUser({ id: user.id, name: user.name, avatar: avatarPng(seed) });
}

export async function loadViberSnapshot(file: string): Promise<ViberSandboxSnapshot | undefined> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(raw) as ViberSandboxSnapshot;
  if (parsed.version !== 1) throw new Error(`${file}: unknown Viber sandbox state version ${String(parsed.version)}`);
  return parsed;
}

export function saveViberSnapshot(file: string, snapshot: ViberSandboxSnapshot): Promise<void> {
  return writeFileAtomic(file, JSON.stringify(snapshot));
}

export function takeViberSnapshot(fake: ViberFake, bot: SandboxViberBot, users: SandboxViberUser[], customerLog: ViberCustomerEntry[]): ViberSandboxSnapshot {
  const state = fake.store.bot(bot.authToken);
  return {
    version: 1,
    bot,
    users,
    ...(state.webhook ? { webhook: { ...state.webhook } } : {}),
    subscribed: [...state.subscribed],
    customerLog,
    sent: state.sent.map(({ messageToken, mediaBytes: _bytes, ...rest }) => ({ ...rest, messageToken: messageToken.toString() })),
  };
}

/** Gives a freshly started fake the saved bot, users, webhook, subscriptions and the bot's sent messages. */
export function restoreViberSnapshot(fake: ViberFake, snapshot: ViberSandboxSnapshot): void {
  const state = fake.addBot(snapshot.bot);
  snapshot.users.forEach((u, i) => addViberUser(fake, u, i + 1));
  if (snapshot.webhook) state.webhook = { ...snapshot.webhook };
  for (const id of snapshot.subscribed) state.subscribed.add(id);
  for (const m of snapshot.sent) state.sent.push({ ...m, messageToken: BigInt(m.messageToken) });
}
