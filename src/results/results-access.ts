/**
 * Every scope decision of the results module, in one place, read off the one policy (core/access/policy.ts).
 * Out of scope answers exactly like missing: a NotFoundError naming what was asked for.
 */
import { ownUnitIds, Permission, reaches } from '../core/access/policy';
import { Actor } from '../core/auth/actor';
import { NotFoundError } from '../core/errors/domain-error';
import type { Thing } from '../core/errors/problem-codes';

/** Previewing and publishing prize lists, advancing, pick windows, season reports: organisers at or above the unit. */
export function requireOrganiserAt(actor: Actor, unitPath: string, what: Thing): void {
  if (!reaches(actor.grants, Permission.ResultManage, unitPath)) throw new NotFoundError(what);
}

/** A school (or organisation) picks its own entries for the next stage (an unjudged stage run at the school itself). */
export function isSchoolAt(actor: Actor, unitId: string): boolean {
  return ownUnitIds(actor.grants, Permission.EntryAdvance).includes(unitId);
}

/** Who may advance from a stage at a unit: its organisers, or the school itself where the stage is the school's own pick. */
export function requireAdvancerAt(actor: Actor, unit: { id: string; path: string }, stageJudged: boolean): 'organiser' | 'school' {
  if (reaches(actor.grants, Permission.ResultManage, unit.path)) return 'organiser';
  if (!stageJudged && isSchoolAt(actor, unit.id)) return 'school';
  throw new NotFoundError('Stage at this unit');
}

/** An entry's path through the stages: whoever may read the entry. */
export function requireEntryReader(actor: Actor, entryUnitPath: string): void {
  if (!reaches(actor.grants, Permission.EntryRead, entryUnitPath)) throw new NotFoundError('Entry');
}

/** A report for an edition at a unit: the unit must lie on the edition's line (above, at or under its unit). */
export function requireReportAt(actor: Actor, unitPath: string, editionUnitPath: string): void {
  requireOrganiserAt(actor, unitPath, 'Edition at this unit');
  if (!unitPath.startsWith(editionUnitPath) && !editionUnitPath.startsWith(unitPath)) throw new NotFoundError('Edition at this unit');
}
