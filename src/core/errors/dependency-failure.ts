/** A service the app cannot answer without. */
export type Dependency = 'database' | 'redis';

/**
 * SQLSTATEs that say the server cannot serve now, not that the request is wrong: class 08 (connection exception),
 * class 53 (insufficient resources: too many connections, out of memory or disk), 57014 (statement timeout or a
 * cancelled query), 57P01-57P03 (server shutting down, crashed, starting up).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|53...|57014|57P0[123])$/;

/** pg and pg-pool: no free or new connection in time, connection lost, no answer within `query_timeout`. */
const DATABASE_MESSAGES = [/^timeout exceeded when trying to connect$/, /^Connection terminated/, /^Query read timeout$/, /is not queryable$/];

/**
 * Node socket errors. The request Redis connection never surfaces these (with the offline queue disabled a
 * command on a broken connection fails with its own message below), so on a request path they come from
 * opening a database connection.
 */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** ioredis: no reply within `commandTimeout`, or the connection is down. */
const REDIS_MESSAGES = [/^Command timed out$/, /^Stream isn't writeable/, /^Connection is closed\.?$/, /^Reached the max retries per request limit/];

/**
 * Which dependency, if any, an error says is down or too slow. Looks through TypeORM's `driverError` and
 * `cause`, because TypeORM wraps what pg throws.
 */
export function dependencyFailure(error: unknown, depth = 0): Dependency | undefined {
  if (typeof error !== 'object' || error === null || depth > 3) return undefined;
  const { code, message, name, driverError, cause } = error as { code?: unknown; message?: unknown; name?: unknown; driverError?: unknown; cause?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || SOCKET_CODES.has(code))) return 'database';
  if (typeof message === 'string') {
    if (DATABASE_MESSAGES.some((pattern) => pattern.test(message))) return 'database';
    if (REDIS_MESSAGES.some((pattern) => pattern.test(message))) return 'redis';
  }
  if (name === 'MaxRetriesPerRequestError') return 'redis';
  return dependencyFailure(driverError, depth + 1) ?? dependencyFailure(cause, depth + 1);
}
