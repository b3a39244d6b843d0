import type { ChannelType } from '@parley/contracts';

/** How a contact got its current display name; a better source replaces a worse one, never the reverse. */
export type NameSource = 'placeholder' | 'hint' | 'profile';

/** Whether the messenger profile still has to be fetched from the gateway. */
export type ProfileStatus = 'pending' | 'fetched' | 'not_needed';

const channelLabels: Readonly<Record<ChannelType, string>> = {
  vk: 'VK user',
  viber: 'Viber user',
  facebook: 'Facebook user',
  instagram: 'Instagram user',
  telegram: 'Telegram user',
  webchat: 'Web chat visitor',
};

/** The name shown until the profile is known, e.g. `VK user 42`. */
export function placeholderName(channelType: ChannelType, externalUserId: string): string {
  return `${channelLabels[channelType]} ${externalUserId}`;
}

export interface ProfileHint {
  displayName?: string | undefined;
  avatarUrl?: string | undefined;
}

export interface NewContactProfile {
  displayName: string;
  nameSource: NameSource;
  profileStatus: ProfileStatus;
}

/**
 * The profile a new contact starts with. A name hint from the gateway is used at once; the profile is still
 * fetched when the name is missing, or when there is an avatar (only the gateway's `fetch-profile` copies it into
 * the attachment store: messenger URLs expire).
 */
export function initialProfile(channelType: ChannelType, externalUserId: string, hint: ProfileHint): NewContactProfile {
  const hinted = hint.displayName?.trim();
  if (hinted) {
    return { displayName: hinted, nameSource: 'hint', profileStatus: hint.avatarUrl ? 'pending' : 'not_needed' };
  }
  return { displayName: placeholderName(channelType, externalUserId), nameSource: 'placeholder', profileStatus: 'pending' };
}

/**
 * The name a fetched profile gives the contact: the messenger's name, trimmed and bounded; undefined when the
 * profile has no name (a blank name never replaces a hint or a placeholder).
 */
export function profileName(fetched: string): string | undefined {
  const name = fetched.trim();
  return name ? name.slice(0, 200) : undefined;
}
