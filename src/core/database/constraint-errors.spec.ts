import { QueryFailedError } from 'typeorm';
import { ErrorFilter } from '../errors/error.filter';
import { constraintError, violatedConstraint } from './constraint-errors';

const broken = (code: string, constraint?: string) => new QueryFailedError('DELETE …', [], Object.assign(new Error('violates constraint'), { code, constraint }));
const answer = (error: unknown) => new ErrorFilter().toResponse(error);

describe('constraint violations reaching the error filter', () => {
  it('answers 422 naming the field when a row is still used by another (foreign key, 23503)', () => {
    expect(answer(broken('23503', 'entries_field_fkey'))).toEqual({
      status: 422,
      body: {
        code: 'RULE_VIOLATION',
        reason: 'STILL_REFERENCED',
        params: { why: { code: 'ENTRIES_IN_FIELD', params: {} } },
        message: expect.stringContaining('entries are registered in this field'),
        details: { problems: [{ field: 'fields', code: 'ENTRIES_IN_FIELD', params: {}, reason: 'entries are registered in this field' }] },
      },
    });
  });

  it('reads an ON DELETE RESTRICT refusal of PostgreSQL 17 and later (23001) as the same 422', () => {
    expect(answer(broken('23001', 'entries_field_fkey'))).toEqual(answer(broken('23503', 'entries_field_fkey')));
    expect(violatedConstraint(broken('23001', 'entry_stages_stage_fkey'))).toBe('entry_stages_stage_fkey');
  });

  it('answers 409 naming the field when a value is already taken (unique, 23505)', () => {
    expect(answer(broken('23505', 'units_code_key'))).toMatchObject({
      status: 409,
      body: { code: 'CONFLICT', reason: 'ALREADY_TAKEN', details: { problems: [{ field: 'code', code: 'TAKEN_BY_UNIT', reason: 'already in use by another unit' }] } },
    });
  });

  it("leaves an unknown constraint, or another database error, a 500: a bug, not the caller's doing", () => {
    expect(constraintError(broken('23503', 'some_new_fkey'))).toBeNull();
    expect(answer(broken('23503', 'some_new_fkey')).status).toBe(500);
    expect(constraintError(broken('22P02'))).toBeNull();
    expect(violatedConstraint(broken('23505', 'entries_edition_unit_reference_key'))).toBe('entries_edition_unit_reference_key');
    expect(violatedConstraint(new Error('not from the database'))).toBeNull();
  });
});
