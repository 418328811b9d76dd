import { Client, ClientConfig } from 'pg';
import { DataSourceOptions } from 'typeorm';
import type { DependencyTimeouts } from '../config/config';
import { IdempotencyCommitMark } from '../idempotency/idempotency-scope';
import { OutboxCommitWake } from '../outbox/outbox-wake';

/** pg's client-side timeout error, raised when the server sent nothing back in `query_timeout`. */
export const QUERY_READ_TIMEOUT = 'Query read timeout';

/**
 * A pooled connection whose query timed out on the client side is closed rather than pooled again: its query
 * (or the ROLLBACK after it) may still be queued or running on the server, and the next borrower would run
 * inside that stale transaction once the server answers again.
 */
class ClosingOnTimeoutClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    const query = this.query.bind(this) as (...args: unknown[]) => unknown;
    this.query = ((...args: unknown[]) => {
      const result = query(...args);
      if (result instanceof Promise) {
        result.catch((error: Error) => {
          if (error?.message === QUERY_READ_TIMEOUT) this.connection.stream.destroy();
        });
      }
      return result;
    }) as Client['query'];
  }
}

/**
 * Data source options shared by the app, migrations, tests and benchmarks. With `timeouts` (the app's request
 * paths) a statement that runs too long is cancelled by PostgreSQL, and one the server never answers (a frozen
 * or unreachable server) fails on the client a second later; migrations and scripts pass none: they may
 * legitimately run long statements.
 */
export function dataSourceOptions(
  url: string,
  entities: DataSourceOptions['entities'],
  migrations: DataSourceOptions['migrations'],
  timeouts?: Pick<DependencyTimeouts, 'databaseStatementMs' | 'databaseConnectMs' | 'databaseIdleInTransactionMs'>,
  poolSize = 20,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    subscribers: [IdempotencyCommitMark, OutboxCommitWake],
    migrationsRun: false,
    synchronize: false,
    uuidExtension: 'pgcrypto',
    migrationsTransactionMode: 'each',
    extra: timeouts
      ? {
          max: poolSize,
          Client: ClosingOnTimeoutClient,
          // Both waiting for a free pooled connection and opening a new one.
          connectionTimeoutMillis: timeouts.databaseConnectMs,
          statement_timeout: timeouts.databaseStatementMs,
          query_timeout: timeouts.databaseStatementMs + 1000,
          // A transaction left open by a stuck process would otherwise hold its locks forever.
          idle_in_transaction_session_timeout: timeouts.databaseIdleInTransactionMs,
        }
      : { max: poolSize, connectionTimeoutMillis: 5000 },
  };
}
