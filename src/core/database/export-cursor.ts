import { Inject, Injectable } from '@nestjs/common';
import { Client } from 'pg';
import { Runtime, RUNTIME } from '../core.module';
import { DomainError } from '../errors/domain-error';

/**
 * Rows fetched per round trip, about a hundred kilobytes of a national export. Every row of a FETCH is parsed and held
 * at once: at 2,000 rows a turn, the p99 of `GET /auth/me` beside an export was 21–32 ms against 15–16 ms at 500
 * (6–9 ms alone); the larger batches made exports only about a quarter quicker.
 */
export const EXPORT_BATCH_ROWS = 500;
/** Exports running at once in this process; one more is told to come back (503) rather than queue behind them. */
const MAX_OPEN = 3;
/** The whole sort of a national list runs in the first FETCH: long for a request, bounded all the same. */
const STATEMENT_TIMEOUT_MS = 120_000;
/** How soon PostgreSQL notices a client that went away in the middle of a FETCH and stops it. */
const CONNECTION_CHECK_MS = 1_000;
const RETRY_AFTER_SECONDS = 5;

/** Rows of one query, a batch at a time, in the query's order. */
export interface RowCursor<T> {
  /** The next batch; empty once every row was read (the connection is then already closed). */
  next(): Promise<T[]>;
  /** Stops the query wherever it is and lets the connection go; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Cursors for exports, each on a connection of its own outside the request pool: a national export holds its
 * connection for as long as the client downloads, and must not take one that log-ins and registrations need.
 * The rows come from one snapshot (a read-only repeatable-read transaction), whatever is written meanwhile.
 */
@Injectable()
export class ExportCursors {
  private open = 0;

  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async cursor<T>(sql: string, params: unknown[]): Promise<RowCursor<T>> {
    if (this.open >= MAX_OPEN) throw new DomainError('SERVICE_UNAVAILABLE', 'EXPORTS_BUSY', { retryAfterSeconds: RETRY_AFTER_SECONDS }, { retryAfterSeconds: RETRY_AFTER_SECONDS });
    this.open += 1;
    const client = new Client({
      connectionString: this.runtime.databaseUrl,
      application_name: 'contest-export',
      connectionTimeoutMillis: this.runtime.config.timeouts.databaseConnectMs,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      options: `-c client_connection_check_interval=${CONNECTION_CHECK_MS}`,
    });
    // An error on an idle export connection (the server restarted) surfaces at the next FETCH instead of crashing the process.
    client.on('error', () => undefined);
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      this.open -= 1;
      // Ending the connection is what stops a FETCH in progress: the server sees the socket gone within CONNECTION_CHECK_MS.
      await client.end().catch(() => undefined);
    };
    try {
      await client.connect();
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(`DECLARE export_rows NO SCROLL CURSOR FOR ${sql}`, params);
    } catch (error) {
      await close();
      throw error;
    }
    return {
      next: async () => {
        if (closed) return [];
        try {
          const { rows } = await client.query<T & object>(`FETCH FORWARD ${EXPORT_BATCH_ROWS} FROM export_rows`);
          if (rows.length === 0) await close();
          return rows;
        } catch (error) {
          await close();
          throw error;
        }
      },
      close,
    };
  }
}
