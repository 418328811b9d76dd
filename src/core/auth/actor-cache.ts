import { Injectable } from '@nestjs/common';
import type { Actor } from './actor';

/**
 * How long another process may go on accepting a token after a password change, a grant change, a deactivation,
 * a logout or a unit move made elsewhere. The process that made the change forgets at once.
 */
export const ACTOR_CACHE_SECONDS = 5;
/** Users remembered at once; the oldest is dropped first. A national season has a few thousand active accounts. */
export const ACTOR_CACHE_SIZE = 20_000;

/** What the database said about a user: their current token version and, while active, who they act as. */
export interface ActorState {
  tokenVersion: number;
  /** Null for an inactive account: every token of theirs is refused. */
  actor: Actor | null;
}

interface Entry<S> {
  state: S;
  expiresAt: number;
}

/**
 * The user behind each token, remembered for ACTOR_CACHE_SECONDS so that an authenticated request costs no
 * query. Whatever changes who a user acts as calls `forget` (or `forgetAll`) once its transaction has committed;
 * a look-up that was running meanwhile is not remembered, so it cannot put the old state back.
 */
@Injectable()
export class ActorCache<S extends ActorState = ActorState> {
  private readonly entries = new Map<string, Entry<S>>();
  private readonly loading = new Map<string, Promise<S | null>>();
  private generation = 0;

  /**
   * The actor for this token version: from memory while fresh and the version matches, otherwise from `load`
   * (at most one look-up per user at a time). Null when the user is gone, inactive or the version is revoked.
   */
  async resolve(userId: string, tokenVersion: number, load: () => Promise<S | null>): Promise<Actor | null> {
    const cached = this.entries.get(userId);
    // A newer token than the state remembered was issued after a change made elsewhere: look again.
    if (cached && cached.expiresAt > Date.now() && tokenVersion <= cached.state.tokenVersion) return this.actorOf(cached.state, tokenVersion);
    let state = await this.load(userId, load);
    // Joined a look-up that began before this token was issued.
    if (state && tokenVersion > state.tokenVersion) state = await this.load(userId, load);
    return state ? this.actorOf(state, tokenVersion) : null;
  }

  /** What was last read of the user, while fresh (the request that just resolved them reads it again at no cost). */
  remembered(userId: string): S | null {
    const cached = this.entries.get(userId);
    return cached && cached.expiresAt > Date.now() ? cached.state : null;
  }

  forget(userId: string): void {
    this.generation += 1;
    this.entries.delete(userId);
    this.loading.delete(userId);
  }

  forgetAll(): void {
    this.generation += 1;
    this.entries.clear();
    this.loading.clear();
  }

  private actorOf(state: S, tokenVersion: number): Actor | null {
    return state.tokenVersion === tokenVersion ? state.actor : null;
  }

  private load(userId: string, load: () => Promise<S | null>): Promise<S | null> {
    const running = this.loading.get(userId);
    if (running) return running;
    const generation = this.generation;
    const loading = load()
      .then((state) => {
        if (state && generation === this.generation) this.remember(userId, state);
        return state;
      })
      .finally(() => {
        if (this.loading.get(userId) === loading) this.loading.delete(userId);
      });
    this.loading.set(userId, loading);
    return loading;
  }

  private remember(userId: string, state: S): void {
    this.entries.delete(userId);
    if (this.entries.size >= ACTOR_CACHE_SIZE) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(userId, { state, expiresAt: Date.now() + ACTOR_CACHE_SECONDS * 1000 });
  }
}
