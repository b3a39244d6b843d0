import type { ChannelHealth, ChannelStatus } from '@parley/contracts';

/** A channel row; secrets stay encrypted here (field → ciphertext). */
export interface ChannelRecord {
  id: string;
  lineId: string;
  name: string;
  externalId: string;
  status: ChannelStatus;
  health: ChannelHealth;
  healthReason: string | null;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
  /** Set while a backfill from that time is owed (written with the switch to Active, cleared when done). */
  backfillSince: Date | null;
  createdAt: Date;
}

export type NewChannelRecord = Omit<ChannelRecord, 'createdAt' | 'backfillSince' | 'health' | 'healthReason'>;
