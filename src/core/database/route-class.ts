import { DataSource, EntityManager } from 'typeorm';
import type { RouteClass, RouteClassLimits } from '../config/config';
import { DomainError } from '../errors/domain-error';

/** What a client refused for a busy route class is told to wait. */
export const BUSY_RETRY_AFTER_SECONDS = 2;

/** The name of a route class's TypeORM data source (the app's own pool has none). */
export const routeClassSource = (routeClass: RouteClass) => `${routeClass}-pool`;

export function serverBusy(): DomainError<'SERVER_BUSY'> {
  return new DomainError('SERVICE_UNAVAILABLE', 'SERVER_BUSY', { retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS }, { dependency: 'database', retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS });
}

/**
 * At most `slots` holders at once; the others queue, in order, for up to `waitMs` each, then are refused
 * (503, busy) rather than left to wait behind work that may take seconds.
 */
export class Admission {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(
    private readonly slots: number,
    private readonly waitMs: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.enter();
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  private enter(): Promise<void> {
    if (this.active < this.slots) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const admit = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.queue.splice(this.queue.indexOf(admit), 1);
        reject(serverBusy());
      }, this.waitMs);
      this.queue.push(admit);
    });
  }

  /** The slot passes straight to the first in the queue, so a newcomer cannot overtake it. */
  private leave(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active -= 1;
  }
}

/**
 * A class of slow routes (lists) reading through a pool of its own, with its own statement timeout:
 * however many of its requests arrive, logins and registrations keep the app's pool. A request waits for one of
 * the class's connections for a bounded time, then is refused with 503 and Retry-After.
 */
export class RouteClassDatabase {
  private readonly admission: Admission;

  constructor(
    private readonly source: DataSource,
    limits: RouteClassLimits,
  ) {
    this.admission = new Admission(limits.poolSize, limits.waitMs);
  }

  /**
   * Runs `work` once admitted, on one connection of the class's pool, released afterwards. A statement the
   * class's timeout cancelled means the database is too loaded to answer in time: busy, try again.
   */
  async read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.admission.run(async () => {
      const runner = this.source.createQueryRunner();
      try {
        return await work(runner.manager);
      } catch (error) {
        throw statementTimedOut(error) ? serverBusy() : error;
      } finally {
        await runner.release();
      }
    });
  }
}

function statementTimedOut(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: unknown; message?: unknown } })?.driverError;
  return driverError?.code === '57014' && typeof driverError.message === 'string' && driverError.message.includes('statement timeout');
}

export const LIST_DATABASE = Symbol('LIST_DATABASE');
