import { EntityManager, QueryFailedError } from 'typeorm';
import { ConflictError, DomainError, problem, reason, Reason, RuleViolationError } from '../errors/domain-error';
import type { ProblemCode } from '../errors/problem-codes';

/** What a named constraint means to a user: the field it guards and why the change was refused. */
interface ConstraintMeaning {
  field: string;
  code: ProblemCode;
}

/**
 * Foreign keys that keep a row while something still points at it (ON DELETE RESTRICT), by constraint name.
 * The database is the check: no domain counts a higher domain's rows before deleting its own.
 */
const STILL_REFERENCED: Record<string, ConstraintMeaning> = {
  entries_field_fkey: { field: 'fields', code: 'ENTRIES_IN_FIELD' },
  entries_edition_fkey: { field: 'editionId', code: 'ENTRIES_IN_EDITION' },
  entries_unit_fkey: { field: 'unitId', code: 'ENTRIES_OF_UNIT' },
  entry_stages_stage_fkey: { field: 'stages', code: 'ENTRIES_AT_STAGE' },
  entry_stages_unit_fkey: { field: 'unitId', code: 'UNIT_RUNS_STAGE' },
  contests_unit_fkey: { field: 'unitId', code: 'CONTESTS_OF_UNIT' },
  editions_unit_fkey: { field: 'unitId', code: 'EDITIONS_AT_UNIT' },
  role_grants_unit_fkey: { field: 'unitId', code: 'GRANTS_AT_UNIT' },
  units_parent_fkey: { field: 'parentId', code: 'UNITS_UNDER_UNIT' },
  FK_entries_created_by: { field: 'userId', code: 'ACCOUNT_REGISTERED_ENTRIES' },
  FK_dossier_files_uploaded_by: { field: 'userId', code: 'ACCOUNT_UPLOADED_FILES' },
  FK_stages_level: { field: 'levelCode', code: 'STAGES_AT_LEVEL' },
};

/** Unique constraints, by name: the value is already taken. */
const ALREADY_TAKEN: Record<string, ConstraintMeaning> = {
  units_code_key: { field: 'code', code: 'TAKEN_BY_UNIT' },
  users_email_key: { field: 'email', code: 'TAKEN_BY_ACCOUNT' },
  role_grants_user_role_unit_key: { field: 'role', code: 'ROLE_ALREADY_HELD' },
  editions_contest_number_key: { field: 'number', code: 'EDITION_NUMBER_TAKEN_SHORT' },
  edition_fields_edition_code_key: { field: 'fields', code: 'FIELD_CODE_TWICE' },
  rubric_criteria_edition_code_key: { field: 'rubric', code: 'CRITERION_CODE_TWICE' },
  stages_edition_level_key: { field: 'stages', code: 'STAGE_LEVEL_TWICE' },
  entries_edition_unit_reference_key: { field: 'reference', code: 'REFERENCE_USED' },
  entry_authors_entry_position_key: { field: 'authors', code: 'AUTHOR_POSITION_TWICE' },
  entry_stages_entry_stage_key: { field: 'stageId', code: 'ENTRY_ALREADY_AT_STAGE' },
};

const FOREIGN_KEY_VIOLATION = '23503';
/** What PostgreSQL 17 and later answer when an ON DELETE RESTRICT key keeps a row (15 answers 23503). */
const RESTRICT_VIOLATION = '23001';
const KEPT_BY_REFERENCE = new Set([FOREIGN_KEY_VIOLATION, RESTRICT_VIOLATION]);
const UNIQUE_VIOLATION = '23505';

function driverError(error: unknown): { code?: string; constraint?: string } | null {
  return error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : null;
}

/** The name of the foreign-key or unique constraint `error` broke, or null for any other error. */
export function violatedConstraint(error: unknown): string | null {
  const driver = driverError(error);
  if (!driver || (!KEPT_BY_REFERENCE.has(driver.code ?? '') && driver.code !== UNIQUE_VIOLATION)) return null;
  return driver.constraint ?? null;
}

/** What a still-referenced row's foreign key means ("entries are registered in this field"), or null. */
export function stillReferencedReason(constraint: string | null): Reason | null {
  const meaning = constraint ? STILL_REFERENCED[constraint] : undefined;
  return meaning ? reason(meaning.code, {} as never) : null;
}

/**
 * The answer to a broken constraint that reached the error filter: a row still in use is a 422 and a value
 * already taken a 409, each naming the field and what the constraint means. Null for anything else
 * (an unknown constraint stays a logged 500: it is a bug, not the user's doing).
 */
export function constraintError(error: unknown): DomainError | null {
  const driver = driverError(error);
  const constraint = driver?.constraint;
  if (!constraint) return null;
  if (KEPT_BY_REFERENCE.has(driver.code ?? '') && STILL_REFERENCED[constraint]) {
    const { field, code } = STILL_REFERENCED[constraint];
    return new RuleViolationError('STILL_REFERENCED', { why: reason(code, {} as never) }, [problem(field, code, {} as never)]);
  }
  if (driver.code === UNIQUE_VIOLATION && ALREADY_TAKEN[constraint]) {
    const { field, code } = ALREADY_TAKEN[constraint];
    return new ConflictError('ALREADY_TAKEN', { field, why: reason(code, {} as never) }, { problems: [problem(field, code, {} as never)] });
  }
  return null;
}

/**
 * Runs `work` (a delete, typically) under a savepoint of the caller's transaction and returns the constraint it broke,
 * undoing only that work; null when it went through. Lets a caller try several removals and name every one refused.
 */
export async function constraintBrokenBy(manager: EntityManager, work: () => Promise<unknown>): Promise<string | null> {
  await manager.query('SAVEPOINT constraint_probe');
  try {
    await work();
    await manager.query('RELEASE SAVEPOINT constraint_probe');
    return null;
  } catch (error) {
    const constraint = violatedConstraint(error);
    if (!constraint) throw error;
    await manager.query('ROLLBACK TO SAVEPOINT constraint_probe');
    return constraint;
  }
}
