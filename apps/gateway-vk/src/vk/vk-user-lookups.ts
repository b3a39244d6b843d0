import { ParleyError } from '@parley/contracts';
import type { VkApiClient } from './vk-api.client';
import type { VkUser } from './vk-api.types';

/** users.get takes up to 1000 ids per call. */
const MAX_IDS = 1000;
const FIELDS = 'photo_200';

interface Batch {
  ids: Set<number>;
  done: Promise<Map<number, VkUser>>;
}

/**
 * Profile look-ups of one token share users.get calls. Every new customer costs a look-up; one call each (20 new
 * customers/s in the chaos run) competed with replies for the token's 20 requests/s and starved behind them. Here
 * a look-up joins the call of its token that is still waiting for its slot; the call takes every id gathered by
 * the time it may start. Under load that is one call for many customers, when idle one call each, at once.
 */
export class VkUserLookups {
  private readonly open = new Map<string, Batch>();

  constructor(private readonly vk: VkApiClient) {}

  /** The user's profile (first/last name, photo_200), or undefined when VK does not return the user. */
  async get(token: string, userId: number): Promise<VkUser | undefined> {
    let batch = this.open.get(token);
    if (!batch || batch.ids.size >= MAX_IDS) batch = this.start(token);
    batch.ids.add(userId);
    try {
      return (await batch.done).get(userId);
    } catch (err: unknown) {
      // VK refusing the whole call (e.g. 113 for an id it does not accept) must not cost the others their
      // profiles: each asks again on its own, with the answer it would have had alone.
      if (batch.ids.size > 1 && err instanceof ParleyError && !err.retryable) return (await this.vk.getUsers(token, [userId], [FIELDS]))[0];
      throw err;
    }
  }

  private start(token: string): Batch {
    const ids = new Set<number>();
    const batch: Batch = {
      ids,
      done: this.vk
        .call<VkUser[]>(token, 'users.get', () => {
          // The slot is ours: later look-ups go into a new batch.
          if (this.open.get(token) === batch) this.open.delete(token);
          return { user_ids: [...ids].join(','), fields: FIELDS };
        })
        .then((users) => new Map(users.map((u) => [u.id, u]))),
    };
    this.open.set(token, batch);
    // A failed call (e.g. no slot in time) fails the look-ups that joined it, and takes no later one with it.
    batch.done.catch(() => {
      if (this.open.get(token) === batch) this.open.delete(token);
    });
    return batch;
  }
}
