/** `page` = Facebook Messenger, `instagram` = Instagram messaging (the webhook `object`). */
export type MetaPlatform = 'page' | 'instagram';

export interface MetaAttachment {
  type: string;
  payload?: { url?: string; title?: string; reel_video_id?: string } | null;
  title?: string;
}

export interface MetaMessage {
  mid: string;
  text?: string;
  is_echo?: boolean;
  app_id?: number | string;
  metadata?: string;
  is_deleted?: boolean;
  is_unsupported?: boolean;
  attachments?: MetaAttachment[];
}

export interface MetaEvent {
  sender: { id: string };
  recipient: { id: string };
  timestamp: number;
  message?: MetaMessage;
  postback?: { mid?: string; title?: string; payload?: string };
  read?: { watermark?: number; mid?: string };
  delivery?: { mids?: string[]; watermark?: number };
  reaction?: { mid?: string; action?: string; emoji?: string };
}

export interface MetaEntry {
  id: string;
  time: number;
  messaging?: MetaEvent[];
  standby?: MetaEvent[];
}

export interface MetaWebhookBody {
  object: string;
  entry: MetaEntry[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): boolean => isObj(v) && typeof v['id'] === 'string' && v['id'].length > 0;

/** Checks the shape the normaliser relies on; throws with the path of the first problem (never a value). */
export function parseMetaWebhook(json: unknown): MetaWebhookBody {
  if (!isObj(json) || typeof json['object'] !== 'string' || !Array.isArray(json['entry'])) throw new Error('body: object/entry missing');
  json['entry'].forEach((entry: unknown, i) => {
    if (!isObj(entry) || typeof entry['id'] !== 'string') throw new Error(`entry[${i}].id missing`);
    for (const list of ['messaging', 'standby']) {
      const events = entry[list];
      if (events === undefined) continue;
      if (!Array.isArray(events)) throw new Error(`entry[${i}].${list} not a list`);
      events.forEach((e: unknown, j) => {
        if (!isObj(e) || !isId(e['sender']) || !isId(e['recipient']) || typeof e['timestamp'] !== 'number') throw new Error(`entry[${i}].${list}[${j}] sender/recipient/timestamp`);
        const m = e['message'];
        if (m !== undefined && (!isObj(m) || typeof m['mid'] !== 'string')) throw new Error(`entry[${i}].${list}[${j}].message.mid`);
      });
    }
  });
  return json as unknown as MetaWebhookBody;
}
