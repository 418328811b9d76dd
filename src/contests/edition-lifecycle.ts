/**
 * An edition's life: draft → registration → judging → results → closed. What may change in its definition
 * depends on how far it got: once entries are judged, the rubric and the way scores are made are what the
 * scores mean; once results exist, the prize levels are what the published lists name. Pure.
 */
import type { FieldProblem } from '../core/errors/domain-error';
import type { EditionDefinition, StageDefinition } from './edition.types';

export const EDITION_STATES = ['draft', 'registration', 'judging', 'results', 'closed'] as const;
export type EditionState = (typeof EDITION_STATES)[number];

const order = (state: EditionState) => EDITION_STATES.indexOf(state);
const codeKey = (code: string) => code.trim().toLowerCase();
/** JSON with object keys sorted: stored jsonb does not keep the order the request had. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
}
const codes = (items: ReadonlyArray<{ code: string }>) => items.map((i) => codeKey(i.code)).join('|');

/**
 * Why an edition in `from` cannot move to `to`; empty when it can. Moves go one step forward only: once
 * registration opened, entries may exist, so a wrong edition is archived rather than sent back to draft.
 */
export function transitionProblems(from: EditionState, to: EditionState, archived: boolean): FieldProblem[] {
  if (archived) return [{ field: 'state', reason: 'the edition is archived: nothing moves it any more' }];
  if (from === to) return [{ field: 'state', reason: `the edition is already in state ${to}` }];
  if (order(to) !== order(from) + 1) {
    const next = EDITION_STATES[order(from) + 1];
    return [{ field: 'state', reason: next ? `from ${from} the edition can only move to ${next}` : 'a closed edition stays closed' }];
  }
  return [];
}

function stageRules(stage: StageDefinition): string {
  return canonical([stage.levelCode, stage.judged, stage.judgesPerEntry, stage.aggregation]);
}

/**
 * What `after` may not change of `before` in `state`, each problem naming the field. Names, descriptions and
 * money stay editable throughout; entries' use of fields and stages is checked by the repository apart.
 */
export function editionChangeProblems(before: EditionDefinition, after: EditionDefinition, state: EditionState): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const frozen = (field: string, since: EditionState) => problems.push({ field, reason: `cannot change once the edition is in state ${since} or later (it is ${state})` });
  if (order(state) >= order('judging')) {
    if (codes(before.fields) !== codes(after.fields)) frozen('fields', 'judging');
    const criteria = (d: EditionDefinition) => d.rubric.map((c) => `${codeKey(c.code)}=${Math.round(c.maxPoints * 100)}`).join('|');
    if (criteria(before) !== criteria(after)) frozen('rubric', 'judging');
    if (before.stages.map(stageRules).join('|') !== after.stages.map(stageRules).join('|')) {
      after.stages.forEach((stage, i) => {
        if (!before.stages[i] || stageRules(before.stages[i]) !== stageRules(stage)) frozen(`stages[${i}]`, 'judging');
      });
      if (after.stages.length < before.stages.length) frozen('stages', 'judging');
    }
    if (before.registrationOpensAt.getTime() !== after.registrationOpensAt.getTime()) frozen('registrationOpensAt', 'judging');
    if (before.registrationClosesAt.getTime() !== after.registrationClosesAt.getTime()) frozen('registrationClosesAt', 'judging');
    if (canonical(before.eligibility) !== canonical(after.eligibility)) frozen('eligibility', 'judging');
    if (before.maxAuthors !== after.maxAuthors) frozen('maxAuthors', 'judging');
  }
  if (order(state) >= order('results')) {
    after.stages.forEach((stage, i) => {
      const was = before.stages[i];
      if (!was || was.levelCode !== stage.levelCode) return;
      if (canonical(was.tieBreak) !== canonical(stage.tieBreak)) frozen(`stages[${i}].tieBreak`, 'results');
      if (codes(was.prizeScheme?.levels ?? []) !== codes(stage.prizeScheme?.levels ?? [])) frozen(`stages[${i}].prizeScheme.levels`, 'results');
    });
  }
  if (state === 'closed') {
    after.stages.forEach((stage, i) => {
      const was = before.stages[i];
      if (was && canonical({ ...was, name: '' }) !== canonical({ ...stage, name: '' })) frozen(`stages[${i}]`, 'closed');
    });
    if (before.number !== after.number) frozen('number', 'closed');
    if (before.plannedEntries !== after.plannedEntries) frozen('plannedEntries', 'closed');
  }
  return dedupe(problems);
}

function dedupe(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.field) && seen.add(p.field));
}

/** Whether registration (and editing entries) is possible in this state at all; the window decides within it. */
function registrationState(state: EditionState, archived: boolean): string | null {
  if (archived) return 'the edition is archived';
  if (state === 'draft') return 'the edition is still a draft: its organisers have not opened registration';
  if (state !== 'registration') return `registration is over: the edition is in state ${state}`;
  return null;
}

export interface RegistrationWindow {
  registrationOpensAt: Date;
  registrationClosesAt: Date;
  state: EditionState;
  archivedAt: Date | null;
}

export function registrationOpen(window: RegistrationWindow, now: Date): boolean {
  return windowProblem(window, now) === null;
}

/** Why registration, editing or withdrawal is not possible now; null while the edition takes registrations and the window is open. */
export function windowProblem(window: RegistrationWindow, now: Date): string | null {
  const closedByState = registrationState(window.state, window.archivedAt !== null);
  if (closedByState) return `Registration is not possible: ${closedByState}`;
  if (now < window.registrationOpensAt) return `Registration opens on ${window.registrationOpensAt.toISOString()}`;
  if (now > window.registrationClosesAt) return `Registration closed on ${window.registrationClosesAt.toISOString()}`;
  return null;
}
