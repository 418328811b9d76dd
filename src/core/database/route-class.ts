import { DataSource, EntityManager } from 'typeorm';
import type { RouteClass, RouteClassLimits } from '../config/config';
import { Admission, serverBusy } from '../admission';

/** The name of a route class's TypeORM data source (the app's own pool has none). */
export const routeClassSource = (routeClass: RouteClass) => `${routeClass}-pool`;

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
