import { IsString, Length, Matches } from 'class-validator';
import { validateData } from '@parley/contracts';

/** What an admin copies from the VK community settings (Callback API page and an access token). */
export class VkChannelSettings {
  /** Community id, digits (the console sends a string; a number is accepted too). */
  @IsString()
  @Matches(/^[1-9][0-9]{0,14}$/, { message: 'groupId must be a positive VK community id' })
  groupId!: string;

  /** The string VK expects in answer to `{"type":"confirmation"}`. */
  @IsString()
  @Length(1, 64)
  confirmation!: string;

  /** The Callback API secret key VK sends in every event (up to 50 characters). */
  @IsString()
  @Length(1, 50)
  secret!: string;

  /** Community access token with the `messages`, `photos`, `docs` and `manage` rights. */
  @IsString()
  @Length(8, 1024)
  token!: string;
}

/** Validates `ConnectChannel.settings` for VK; throws ContractViolationError naming each bad field (never its value). */
export function parseVkChannelSettings(settings: Record<string, unknown>): VkChannelSettings {
  const groupId = settings['groupId'];
  const plain = { ...settings, groupId: typeof groupId === 'number' && Number.isSafeInteger(groupId) ? String(groupId) : groupId };
  return validateData(VkChannelSettings, plain, 'VkChannelSettings', 'settings');
}
