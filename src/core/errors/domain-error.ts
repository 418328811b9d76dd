import { listedProblems } from './problem-list';

/** Error codes the API answers with; the filter maps each to one HTTP status. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  STALE_VERSION: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  RULE_VIOLATION: 422,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One problem with one input field (or file row/column). */
export interface FieldProblem {
  field: string;
  reason: string;
  row?: number;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} not found`);
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, problems: FieldProblem[]) {
    super('VALIDATION_FAILED', message, listedProblems(problems));
  }
}

/** A request that is well-formed but breaks a contest rule (window closed, ineligible author...). */
export class RuleViolationError extends DomainError {
  constructor(message: string, problems: FieldProblem[] = []) {
    super('RULE_VIOLATION', message, listedProblems(problems));
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details?: unknown) {
    super('CONFLICT', message, details);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Your role does not allow this action') {
    super('FORBIDDEN', message);
  }
}
