import type { ViberInMessage } from '@parley/testing';
import type { ViberCustomerEntry } from './viber-sandbox-state';

export interface ViberSandboxMessageView {
  token: string;
  at: number;
  /** customer: done on the page; bot: sent by Parley through send_message. */
  from: 'customer' | 'bot';
  kind: ViberCustomerEntry['kind'] | 'bot-message';
  type?: string;
  text?: string;
  /** The name the customer sees as the sender (the bot's, or the operator's with sendAsOperator). */
  senderName?: string;
  picture?: string;
  file?: { name: string; url?: string };
  /** Customer side: its callback's delivery to Parley; bot side: sent / delivered / seen / failed. */
  state: string;
  detail?: string;
}

/** The page's view of a customer message; its media load through this server's `/sandbox/api/viber/media`. */
export function customerContent(m: ViberInMessage, base: string): Partial<ViberSandboxMessageView> {
  const local = (u: string | undefined): string | undefined =>
    u?.startsWith(base) ? `/sandbox/api/viber/media?path=${encodeURIComponent(u.slice(base.length))}` : u;
  const out: Partial<ViberSandboxMessageView> = { type: m.type };
  if (m.text) out.text = m.text;
  if ((m.type === 'picture' || m.type === 'sticker') && m.media) out.picture = local(m.media) ?? m.media;
  if ((m.type === 'file' || m.type === 'video') && m.media) out.file = { name: m.file_name ?? m.type, url: local(m.media) ?? m.media };
  if (m.contact) out.text = `👤 ${m.contact.name} ${m.contact.phone_number}`;
  if (m.location) out.text = `📍 ${m.location.lat}, ${m.location.lon}${m.location.address ? ` (${m.location.address})` : ''}`;
  return out;
}

