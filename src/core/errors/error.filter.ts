import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
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

/** The one place that turns any thrown error into `{ code, message, details }`. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse();
    const { status, body } = this.toResponse(error);
    if (status >= 500) this.logger.error(error instanceof Error ? error.stack : String(error));
    reply.status(status).send(body);
  }

  toResponse(error: unknown): { status: number; body: ErrorBody } {
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
