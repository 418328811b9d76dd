import { listedProblems } from './problem-list';
import { ProblemCode, ProblemParams, renderProblem } from './problem-codes';

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

/** A reason from the catalogue with its parameters: what a front end translates. */
export interface Reason<C extends ProblemCode = ProblemCode> {
  code: C;
  params: ProblemParams<C>;
}

export function reason<C extends ProblemCode>(code: C, params: ProblemParams<C>): Reason<C> {
  return { code, params };
}

/**
 * One problem with one input field (or file row/column). `reason` is the text of `code` rendered in English
 * where it is made; the error filter renders it again in the language the request prefers.
 */
export interface FieldProblem {
  field: string;
  code: ProblemCode;
  params: object;
  reason: string;
  row?: number;
}

export function problem<C extends ProblemCode>(field: string, code: C, params: ProblemParams<C>, row?: number): FieldProblem {
  return { ...(row === undefined ? {} : { row }), field, code, params, reason: renderProblem(code, params, 'en') };
}

/** A reason (from a rule that knows no field) placed on a field. */
export function problemOf(field: string, why: Reason, row?: number): FieldProblem {
  return problem(field, why.code as ProblemCode, why.params as never, row);
}

/**
 * Every error the API answers with: a status `code`, a catalogue `reason` with its `params`, and `details`
 * (an object, `{}` when there is nothing more). The message is rendered from the catalogue.
 */
export class DomainError<C extends ProblemCode = ProblemCode> extends Error {
  readonly details: object;
  constructor(
    readonly code: ErrorCode,
    readonly reason: C,
    readonly params: ProblemParams<C>,
    details: object = {},
  ) {
    super(renderProblem(reason, params, 'en'));
    this.details = details;
  }
}

export class NotFoundError extends DomainError<'NOT_FOUND'> {
  constructor(what: ProblemParams<'NOT_FOUND'>['what'], details: object = {}) {
    super('NOT_FOUND', 'NOT_FOUND', { what }, details);
  }
}

export class ValidationError<C extends ProblemCode = ProblemCode> extends DomainError<C> {
  constructor(reason: C, params: ProblemParams<C>, problems: FieldProblem[]) {
    super('VALIDATION_FAILED', reason, params, listedProblems(problems));
  }
}

/** An invalid request naming every bad field. */
export function invalidRequest(problems: FieldProblem[]): ValidationError<'INVALID_REQUEST'> {
  return new ValidationError('INVALID_REQUEST', { fields: [...new Set(problems.map((p) => p.field))] }, problems);
}

/** A request that is well-formed but breaks a contest rule (window closed, ineligible author...). */
export class RuleViolationError<C extends ProblemCode = ProblemCode> extends DomainError<C> {
  constructor(reason: C, params: ProblemParams<C>, problems: FieldProblem[] = []) {
    super('RULE_VIOLATION', reason, params, listedProblems(problems));
  }
}

export class ConflictError<C extends ProblemCode = ProblemCode> extends DomainError<C> {
  constructor(reason: C, params: ProblemParams<C>, details: object = {}) {
    super('CONFLICT', reason, params, details);
  }
}

export class ForbiddenError<C extends ProblemCode = 'ROLE_FORBIDDEN'> extends DomainError<C> {
  constructor(reason: C = 'ROLE_FORBIDDEN' as C, params: ProblemParams<C> = {} as ProblemParams<C>) {
    super('FORBIDDEN', reason, params);
  }
}

/** One detail shape for every stale write: the version the client sent and the one stored now (null when unknown). */
export function staleVersion(what: ProblemParams<'STALE_VERSION'>['what'], expected: number | null, actual: number | null): DomainError<'STALE_VERSION'> {
  return new DomainError('STALE_VERSION', 'STALE_VERSION', { what, expected, actual }, { expected, actual, problems: [problem('version', 'NOT_CURRENT_VERSION', {})] });
}
