import { VkApiError } from './vk-fake.errors';
import type { CommunityState, VkFakeStore } from './vk-fake.store';
import type { VkMessage } from './vk-fake.types';

/** What a method handler gets: the request parameters and the community the token belongs to. */
export interface VkMethodContext {
  params: Record<string, string>;
  community: CommunityState;
  store: VkFakeStore;
  /** Called after messages.send stored a new community message (emits the `message_reply` echo). */
  onCommunityMessage(community: CommunityState, message: VkMessage): void;
}

export type VkMethodHandler = (ctx: VkMethodContext) => unknown;

/** An integer parameter, VK style: error 100 naming the parameter when it is missing or malformed. */
export function intParam(
  params: Record<string, string>,
  name: string,
  options: { required?: boolean; min?: number; max?: number; fallback?: number } = {},
): number | undefined {
  const raw = params[name];
  if (raw === undefined || raw === '') {
    if (options.required) throw new VkApiError(100, `${name} is a required parameter`);
    return options.fallback;
  }
  if (!/^-?\d+$/.test(raw)) throw new VkApiError(100, `${name} not integer`);
  const value = Number(raw);
  if (options.min !== undefined && value < options.min) throw new VkApiError(100, `${name} should be greater or equal ${options.min}`);
  if (options.max !== undefined && value > options.max) throw new VkApiError(100, `${name} should be less or equal ${options.max}`);
  return value;
}

export function requiredInt(params: Record<string, string>, name: string, options: { min?: number; max?: number } = {}): number {
  return intParam(params, name, { ...options, required: true }) as number;
}

export function requiredString(params: Record<string, string>, name: string): string {
  const raw = params[name];
  if (raw === undefined || raw === '') throw new VkApiError(100, `${name} is a required parameter`);
  return raw;
}

/** `group_id`, when given, must be the token's community (a community token acts for its own community only). */
export function checkGroupId(ctx: VkMethodContext): void {
  const groupId = intParam(ctx.params, 'group_id', { min: 0 });
  if (groupId !== undefined && groupId !== 0 && groupId !== ctx.community.config.id) throw new VkApiError(15, 'group_id does not match the token');
}
