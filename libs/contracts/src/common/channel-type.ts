/** The messengers Parley connects. A wire string: never renamed. */
export const ChannelTypes = ['vk', 'viber', 'facebook', 'instagram', 'telegram', 'webchat'] as const;
export type ChannelType = (typeof ChannelTypes)[number];
