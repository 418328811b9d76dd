import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { constraintError } from '../database/constraint-errors';
import { preferredLocale, Locale } from '../i18n/format';
import { Dependency, dependencyFailure } from './dependency-failure';
import { DomainError, ERROR_STATUS, ErrorCode, FieldProblem, problem } from './domain-error';
import { localisedProblems } from './problem-list';
import { ProblemCode, renderProblem } from './problem-codes';

/** The one error shape: a status code, the catalogue reason with its parameters, the message in the request's language, details. */
export interface ErrorBody {
  code: ErrorCode;
  reason: ProblemCode;
  params: object;
  message: string;
  details: object;
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

interface RequestLike {
  method?: string;
  url?: string;
  headers?: Record<string, string | string[] | undefined>;
  params?: Record<string, unknown>;
}

/** Fastify's refusals of a body, by its error code: the part of the request at fault and why. */
const BODY_REFUSALS: Record<string, [field: string, reason: ProblemCode]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['body', 'BODY_TOO_LARGE'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['body', 'BODY_NOT_JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['body', 'BODY_EMPTY'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['content-type', 'MEDIA_TYPE_NOT_ACCEPTED'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['content-length', 'CONTENT_LENGTH_MISMATCH'],
};

/**
 * Fastify refuses a body before any handler sees it (too large, not JSON, of no accepted type); Nest hands that
 * error on as the cause of an HttpException. The answer names the part of the request at fault and says why in the
 * catalogue's words, not Fastify's English.
 */
function bodyRefusal(cause: unknown, request: RequestLike | undefined): { reason: ProblemCode; params: object; details: { problems: FieldProblem[] } } | undefined {
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !code.startsWith('FST_ERR_CTP_')) return undefined;
  const [field, reason] = BODY_REFUSALS[code] ?? ['body', 'BODY_REFUSED'];
  const params = reason === 'BODY_REFUSED' ? { detail: (cause as Error).message } : reason === 'MEDIA_TYPE_NOT_ACCEPTED' ? { mediaType: mediaTypeOf(request) } : {};
  return { reason, params, details: { problems: [problem(field, reason, params as never)] } };
}

/** The media type a request says its body has, without parameters, bounded for the answer. */
function mediaTypeOf(request: RequestLike | undefined): string {
  return String(request?.headers?.['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .slice(0, 100);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Nest's ParseUUIDPipe says only "uuid is expected", not which path parameter: the ones of the request that are
 * not UUIDs are the ones it refused.
 */
function pathProblems(error: HttpException, request: RequestLike | undefined): { problems: FieldProblem[] } | undefined {
  if (!/uuid is expected|passed as UUID/.test(error.message)) return undefined;
  const fields = Object.entries(request?.params ?? {}).filter(([, value]) => typeof value !== 'string' || !UUID.test(value));
  return { problems: fields.map(([name]) => problem(name, 'NOT_A_UUID', {})) };
}

/** What a client is told to wait before retrying a 429 or 503 whose thrower did not say. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

const UNAVAILABLE: Record<Dependency, ProblemCode> = { database: 'DATABASE_UNAVAILABLE', redis: 'REDIS_UNAVAILABLE' };

/** The problems of `details` with their reasons in `locale`. */
function localisedDetails(details: object, locale: Locale): object {
  const problems = (details as { problems?: unknown }).problems;
  return Array.isArray(problems) ? { ...details, problems: localisedProblems(problems, locale) } : details;
}

/**
 * The one place that turns any thrown error into `{ code, reason, params, message, details }`, the message and
 * each problem's reason in the language the request's Accept-Language prefers (Vietnamese by default).
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
    const request = http.getRequest<RequestLike | undefined>();
    const { status, body, dependency } = this.toResponse(error, request);
    if (status === 503) {
      // An outage is not a bug: one line per request, with what the driver said.
      this.logger.warn(`${request?.method} ${request?.url}: ${dependency ? `${dependency} unavailable: ` : ''}${(error as Error)?.message ?? String(error)}`);
    } else if (status >= 500) {
      this.logger.error(error instanceof Error ? error.stack : String(error));
    }
    if (status === 429 || status === 503) reply.header('Retry-After', String(retryAfterSeconds(body.details)));
    reply.status(status).send(this.localised(body, preferredLocale(request?.headers?.['accept-language'])));
  }

  localised(body: ErrorBody, locale: Locale): ErrorBody {
    return { ...body, message: renderProblem(body.reason, body.params, locale), details: localisedDetails(body.details, locale) };
  }

  /** The answer to `error`, its texts in English (`localised` renders them in another language). */
  toResponse(error: unknown, request?: RequestLike): { status: number; body: ErrorBody; dependency?: Dependency } {
    const dependency = error instanceof DomainError || error instanceof HttpException ? undefined : dependencyFailure(error);
    if (dependency) {
      const details = { dependency, retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS };
      return { status: 503, body: shaped('SERVICE_UNAVAILABLE', UNAVAILABLE[dependency], {}, details), dependency };
    }
    if (error instanceof DomainError) {
      return { status: ERROR_STATUS[error.code], body: shaped(error.code, error.reason, error.params as object, error.details) };
    }
    const broken = constraintError(error);
    if (broken) return this.toResponse(broken, request);
    if (error instanceof HttpException) return fromHttpException(error, request);
    const fastifyStatus = (error as { statusCode?: number })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      const code = HTTP_CODES[fastifyStatus] ?? 'VALIDATION_FAILED';
      const refusal = bodyRefusal(error, request);
      if (refusal) return { status: fastifyStatus, body: shaped(code, refusal.reason, refusal.params, refusal.details) };
      return { status: fastifyStatus, body: shaped(code, 'HTTP_ERROR', { status: fastifyStatus, detail: (error as Error).message }, {}) };
    }
    return { status: 500, body: shaped('INTERNAL', 'INTERNAL_ERROR', {}, {}) };
  }
}

export function shaped(code: ErrorCode, reason: ProblemCode, params: object, details: object): ErrorBody {
  return { code, reason, params, message: renderProblem(reason, params, 'en'), details };
}

function fromHttpException(error: HttpException, request: RequestLike | undefined): { status: number; body: ErrorBody } {
  const status = error.getStatus();
  const code = HTTP_CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED');
  if (status === 429) return { status, body: shaped(code, 'TOO_MANY_REQUESTS', { retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS }, { retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS }) };
  if (status === 404) return { status, body: shaped(code, 'HTTP_ERROR', { status, detail: error.message }, {}) };
  const path = pathProblems(error, request);
  if (path && path.problems.length > 0) return { status, body: shaped(code, 'INVALID_REQUEST', { fields: path.problems.map((p) => p.field) }, path) };
  const response = error.getResponse();
  const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? error.message);
  const detail = Array.isArray(message) ? message.join('; ') : String(message);
  const refusal = bodyRefusal(error.cause, request);
  if (refusal) return { status, body: shaped(code, refusal.reason, refusal.params, refusal.details) };
  return { status, body: shaped(code, 'HTTP_ERROR', { status, detail }, {}) };
}

function retryAfterSeconds(details: unknown): number {
  const given = (details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof given === 'number' && Number.isFinite(given) && given > 0 ? Math.ceil(given) : DEFAULT_RETRY_AFTER_SECONDS;
}
