/** VK API error codes the fake answers, with VK's own messages (errors.json of vk-api-schema). */
export const VkErrorMessages: Readonly<Record<number, string>> = {
  1: 'Unknown error occurred',
  3: 'Unknown method passed',
  5: 'User authorization failed: invalid access_token (4).',
  6: 'Too many requests per second',
  8: 'Invalid request: v (version) is required',
  9: 'Flood control',
  10: 'Internal server error',
  14: 'Captcha needed',
  15: 'Access denied',
  29: 'Rate limit reached',
  100: 'One of the parameters specified was missing or invalid',
  113: 'Invalid user id',
  121: 'Invalid hash',
  900: "Can't send messages for users from blacklist",
  901: "Can't send messages for users without permission",
  902: "Can't send messages to this user due to their privacy settings",
  914: 'Message is too long',
  917: "You don't have access to this chat",
  932: "Your community can't interact with this peer",
  945: 'Chat was disabled',
};

/** Thrown by method handlers; the server turns it into VK's HTTP 200 `{"error":{…}}`. */
export class VkApiError extends Error {
  constructor(
    readonly code: number,
    detail?: string,
    readonly extra: Record<string, unknown> = {},
    exactMessage?: string,
  ) {
    const base = VkErrorMessages[code] ?? 'Unknown error occurred';
    super(exactMessage ?? (detail ? `${base}: ${detail}` : base));
    this.name = 'VkApiError';
  }
}

export function vkErrorMessage(code: number): string {
  return VkErrorMessages[code] ?? 'Unknown error occurred';
}
