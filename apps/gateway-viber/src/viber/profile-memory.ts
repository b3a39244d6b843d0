import type { SeenProfile } from './viber-callback.normalizer';

/**
 * The names and avatars Viber sent in recent callbacks, per channel and user, at most `capacity` (oldest dropped
 * first). `fetch-profile` reads it before calling get_user_details, which Viber allows only twice per 12 hours.
 * Per process: a replica that did not see the callback falls back to get_user_details.
 */
export class ProfileMemory {
  private readonly entries = new Map<string, SeenProfile>();

  constructor(private readonly capacity: number) {}

  remember(channelId: string, profile: SeenProfile): void {
    const key = `${channelId}/${profile.userId}`;
    this.entries.delete(key);
    this.entries.set(key, profile);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  get(channelId: string, userId: string): SeenProfile | undefined {
    return this.entries.get(`${channelId}/${userId}`);
  }
}
