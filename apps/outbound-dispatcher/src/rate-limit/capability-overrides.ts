import { ChannelTypes, ParleyError, type ChannelType } from '@parley/contracts';
import type { CapabilityOverrides, ChannelCapability, RateLimit } from './channel-capabilities';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rateLimit(value: unknown, path: string): RateLimit {
  if (!isRecord(value)) throw invalid(`${path} must be an object`);
  const { ratePerSec, burst } = value;
  if (typeof ratePerSec !== 'number' || !(ratePerSec > 0)) throw invalid(`${path}.ratePerSec must be a number > 0`);
  if (typeof burst !== 'number' || !(burst >= 1)) throw invalid(`${path}.burst must be a number >= 1`);
  return { ratePerSec, burst };
}

function invalid(message: string): ParleyError<'CONFIG_INVALID'> {
  return new ParleyError('CONFIG_INVALID', `Invalid configuration: RATE_LIMITS ${message}`, { details: { variables: ['RATE_LIMITS'] } });
}

/** Parses and checks the `RATE_LIMITS` variable (absent = no overrides). */
export function parseCapabilityOverrides(json: string | undefined): CapabilityOverrides {
  if (json === undefined) return {};
  const raw: unknown = JSON.parse(json);
  if (!isRecord(raw)) throw invalid('must be a JSON object keyed by channel type');
  const out: CapabilityOverrides = {};
  for (const [type, value] of Object.entries(raw)) {
    if (!(ChannelTypes as readonly string[]).includes(type)) throw invalid(`has unknown channel type "${type}"`);
    if (!isRecord(value)) throw invalid(`${type} must be an object`);
    const override: Partial<ChannelCapability> = {};
    if (value['perChannel'] !== undefined) override.perChannel = rateLimit(value['perChannel'], `${type}.perChannel`);
    if (value['perChat'] !== undefined) override.perChat = rateLimit(value['perChat'], `${type}.perChat`);
    const calls = value['callsPerAttachment'];
    if (calls !== undefined) {
      if (typeof calls !== 'number' || !(calls >= 0)) throw invalid(`${type}.callsPerAttachment must be a number >= 0`);
      override.callsPerAttachment = calls;
    }
    out[type as ChannelType] = override;
  }
  return out;
}
