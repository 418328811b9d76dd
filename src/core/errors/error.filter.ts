import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { Dependency, dependencyFailure } from './dependency-failure';
import { DomainError, ERROR_STATUS, ErrorCode, FieldProblem } from './domain-error';

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

const HTTP_CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'RULE_VIOLATION',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * Fastify refuses a body before any handler sees it (too large, not JSON, of no accepted type); Nest hands
 * that error on as the cause of an HttpException. The answer names the part of the request at fault.
 */
function bodyProblems(cause: unknown): { problems: FieldProblem[] } | undefined {
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !code.startsWith('FST_ERR_CTP_')) return undefined;
  const field = code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'content-type' : code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' ? 'content-length' : 'body';
  return { problems: [{ field, reason: (cause as Error).message }] };
}


/** What a client is told to wait before retrying a 429 or 503 whose thrower did not say. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

const UNAVAILABLE: Record<Dependency, string> = {
  database: 'The database is not answering; try again shortly',
  redis: 'Redis is not answering; try again shortly',
};

/**
 * The one place that turns any thrown error into `{ code, message, details }`.
 *
 * A dependency that is down or too slow (see `dependencyFailure`) is a 503 with one log line, not a 500 with a
 * stack. Every 429 and 503 carries `Retry-After`: the thrower's `details.retryAfterSeconds` when it sets one.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse();
    const { status, body, dependency } = this.toResponse(error);
    if (status === 503) {
      // An outage is not a bug: one line per request, with what the driver said.
      const request = http.getRequest<{ method?: string; url?: string }>();
      this.logger.warn(`${request?.method} ${request?.url}: ${dependency ? `${dependency} unavailable: ` : ''}${(error as Error)?.message ?? String(error)}`);
    } else if (status >= 500) {
      this.logger.error(error instanceof Error ? error.stack : String(error));
    }
    if (status === 429 || status === 503) reply.header('Retry-After', String(retryAfterSeconds(body.details)));
    reply.status(status).send(body);
  }

  toResponse(error: unknown): { status: number; body: ErrorBody; dependency?: Dependency } {
    const dependency = error instanceof DomainError || error instanceof HttpException ? undefined : dependencyFailure(error);
    if (dependency) {
      return {
        status: 503,
        body: { code: 'SERVICE_UNAVAILABLE', message: UNAVAILABLE[dependency], details: { dependency, retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS } },
        dependency,
      };
    }
    if (error instanceof DomainError) {
      return { status: ERROR_STATUS[error.code], body: { code: error.code, message: error.message, details: error.details } };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const response = error.getResponse();
      const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? error.message);
      return {
        status,
        body: {
          code: HTTP_CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED'),
          message: Array.isArray(message) ? message.join('; ') : String(message),
          details: bodyProblems(error.cause),
        },
      };
    }
    const fastifyStatus = (error as { statusCode?: number })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return { status: fastifyStatus, body: { code: HTTP_CODES[fastifyStatus] ?? 'VALIDATION_FAILED', message: (error as Error).message, details: bodyProblems(error) } };
    }
    return { status: 500, body: { code: 'INTERNAL', message: 'Something went wrong on our side; it has been logged' } };
  }
}

function retryAfterSeconds(details: unknown): number {
  const given = (details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof given === 'number' && Number.isFinite(given) && given > 0 ? Math.ceil(given) : DEFAULT_RETRY_AFTER_SECONDS;
}
