/**
 * An edition's life: draft → registration → judging → results → closed. What may change in its definition
 * depends on how far it got: once entries are judged, the rubric and the way scores are made are what the
 * scores mean; once results exist, the prize levels are what the published lists name. Pure.
 */
import { FieldProblem, problem, Reason, reason } from '../core/errors/domain-error';
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
  if (archived) return [problem('state', 'ARCHIVED_STAYS', {})];
  if (from === to) return [problem('state', 'ALREADY_IN_STATE', { state: to })];
  if (order(to) !== order(from) + 1) {
    const next = EDITION_STATES[order(from) + 1];
    return [next ? problem('state', 'ONLY_NEXT_STATE', { from, next }) : problem('state', 'CLOSED_STAYS', {})];
  }
  return [];
}

/** Whether the rubric's codes or maximum points differ. A part passed on unchanged (the same object) is not compared: `frozenPaths` asks many times. */
function criteriaChanged(before: EditionDefinition, after: EditionDefinition): boolean {
  const criteriaOf = (d: EditionDefinition) => d.rubric.map((c) => `${codeKey(c.code)}=${Math.round(c.maxPoints * 100)}`).join('|');
  return before.rubric !== after.rubric && criteriaOf(before) !== criteriaOf(after);
}

function stageRules(stage: StageDefinition): string {
  return canonical([stage.levelCode, stage.judged, stage.judgesPerEntry, stage.aggregation]);
}

/**
 * What `after` may not change of `before` in `state`, each problem naming the field. Names, descriptions and
 * money stay editable throughout; entries' use of fields and stages is checked by the repository apart.
 * `scoredLevels`: levels of the stages that already have confirmed scores, whatever the state: their rubric,
 * judges per entry and aggregation are what those scores mean.
 */
export function editionChangeProblems(before: EditionDefinition, after: EditionDefinition, state: EditionState, scoredLevels: ReadonlySet<string> = new Set()): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const frozen = (field: string, since: EditionState) => problems.push(problem(field, 'FROZEN_SINCE', { since, state }));
  const scored = (field: string, level: string) => problems.push(problem(field, 'FROZEN_BY_SCORES', { level }));
  for (const level of scoredLevels) {
    const i = before.stages.findIndex((s) => s.levelCode === level);
    if (i < 0) continue;
    const was = before.stages[i];
    const now = after.stages.find((s) => s.levelCode === level);
    if (!now) scored('stages', level);
    else if (
      now.judgesPerEntry !== was.judgesPerEntry ||
      now.aggregation !== was.aggregation ||
      Boolean(now.normaliseBias) !== Boolean(was.normaliseBias) ||
      (now.rejudgeMode ?? 'join') !== (was.rejudgeMode ?? 'join') ||
      !now.judged
    )
      scored(`stages[${after.stages.indexOf(now)}]`, level);
    if (criteriaChanged(before, after)) scored('rubric', level);
  }
  if (order(state) >= order('judging')) {
    if (before.fields !== after.fields && codes(before.fields) !== codes(after.fields)) frozen('fields', 'judging');
    if (criteriaChanged(before, after)) frozen('rubric', 'judging');
    const rulesChanged = (i: number) => !before.stages[i] || (before.stages[i] !== after.stages[i] && stageRules(before.stages[i]) !== stageRules(after.stages[i]));
    if (before.stages.length !== after.stages.length || after.stages.some((_, i) => rulesChanged(i))) {
      after.stages.forEach((_, i) => {
        if (rulesChanged(i)) frozen(`stages[${i}]`, 'judging');
      });
      if (after.stages.length < before.stages.length) frozen('stages', 'judging');
    }
    if (before.registrationOpensAt.getTime() !== after.registrationOpensAt.getTime()) frozen('registrationOpensAt', 'judging');
    if (before.registrationClosesAt.getTime() !== after.registrationClosesAt.getTime()) frozen('registrationClosesAt', 'judging');
    if (before.eligibility !== after.eligibility && canonical(before.eligibility) !== canonical(after.eligibility)) frozen('eligibility', 'judging');
    if (before.maxAuthors !== after.maxAuthors) frozen('maxAuthors', 'judging');
  }
  if (order(state) >= order('results')) {
    after.stages.forEach((stage, i) => {
      const was = before.stages[i];
      if (!was || was.levelCode !== stage.levelCode) return;
      if (was.tieBreak !== stage.tieBreak && canonical(was.tieBreak) !== canonical(stage.tieBreak)) frozen(`stages[${i}].tieBreak`, 'results');
      if (was.prizeScheme !== stage.prizeScheme && codes(was.prizeScheme?.levels ?? []) !== codes(stage.prizeScheme?.levels ?? [])) frozen(`stages[${i}].prizeScheme.levels`, 'results');
    });
  }
  if (state === 'closed') {
    after.stages.forEach((stage, i) => {
      const was = before.stages[i];
      if (was && was !== stage && canonical({ ...was, name: '' }) !== canonical({ ...stage, name: '' })) frozen(`stages[${i}]`, 'closed');
    });
    if (before.number !== after.number) frozen('number', 'closed');
    if (before.plannedEntries !== after.plannedEntries) frozen('plannedEntries', 'closed');
  }
  return dedupe(problems);
}

/**
 * What of `definition` its state (and its scored levels) no longer lets change, found by asking
 * `editionChangeProblems` about one small change at a time, so the answer cannot drift from what PUT refuses.
 * Each value is named by its path (`rubric[0].maxPoints`, `stages[1].prizeScheme.levels[0].code`); a list whose
 * rows can no longer be added or removed (nor so reordered) is named with `[]` (`rubric[]`); where the list still
 * takes changes but one row may not go (a stage whose level has confirmed scores), that row is named with `:remove`
 * (`stages[1]:remove`). A null value stands for what could be set there (`stages[2].advancement`, `stages[2].prizeScheme`).
 */
export function frozenPaths(definition: EditionDefinition, state: EditionState, scoredLevels: ReadonlySet<string> = new Set()): string[] {
  const frozen: string[] = [];
  const refused = (after: EditionDefinition) => editionChangeProblems(definition, after, state, scoredLevels).length > 0;
  const visit = (value: unknown, path: string, replace: (next: unknown) => EditionDefinition) => {
    if (Array.isArray(value)) {
      // Any row will do: the rules compare codes and contents, so an extra one is a change to the list.
      const listFrozen = refused(replace([...value, { code: '~' }])) || (value.length > 0 && refused(replace(value.slice(0, -1))));
      if (listFrozen) frozen.push(`${path}[]`);
      value.forEach((item, i) => {
        if (!listFrozen && refused(replace(value.filter((_, j) => j !== i)))) frozen.push(`${path}[${i}]:remove`);
        visit(item, `${path}[${i}]`, (next) => replace(value.map((v, j) => (j === i ? next : v))));
      });
    } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      for (const [key, item] of Object.entries(value)) visit(item, path ? `${path}.${key}` : key, (next) => replace({ ...value, [key]: next }));
    } else if (refused(replace(probe(value, path)))) frozen.push(path);
  };
  visit(definition, '', (next) => next as EditionDefinition);
  return frozen;
}

/**
 * What a part left empty could be set to, by its key: the rules compare what is set (prize-level codes), so a bare
 * value in its place would pass where setting the part is refused.
 */
const SETTABLE: Record<string, unknown> = {
  prizeScheme: { levels: [{ code: '~' }], tiePolicy: 'all_get_level', passUnusedQuotaDown: false },
  advancement: { kind: 'pick' },
};

/** A different value of the same kind; for an empty part, one set. */
function probe(value: unknown, path: string): unknown {
  if (value === null || value === undefined) return SETTABLE[/(\w+)$/.exec(path)?.[1] ?? ''] ?? 0;
  if (value instanceof Date) return new Date(value.getTime() + 60_000);
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'string') return `${value}~`;
  return 0;
}

function dedupe(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.field) && seen.add(p.field));
}

/**
 * Whether results may act on the edition now. Prize lists are published (provisional, final, corrected) only in
 * `results`: from then on the prize levels are frozen, so a published list always names levels that exist.
 * Entries go up between stages while the rounds run and results are settled (`judging`, `results`): not while
 * registrations may still change, nor once the edition is closed or archived.
 */
export function resultsActionProblem(action: 'publish' | 'advance', state: EditionState, archived: boolean): Reason | null {
  if (archived) return reason('EDITION_ARCHIVED', {});
  if (action === 'publish') return state === 'results' ? null : reason('PUBLISH_NOT_IN_STATE', { state });
  return state === 'judging' || state === 'results' ? null : reason('ADVANCE_NOT_IN_STATE', { state });
}

/** Whether registration (and editing entries) is possible in this state at all; the window decides within it. */
function registrationState(state: EditionState, archived: boolean): Reason | null {
  if (archived) return reason('REGISTRATION_ARCHIVED', {});
  if (state === 'draft') return reason('REGISTRATION_DRAFT', {});
  if (state !== 'registration') return reason('REGISTRATION_OVER', { state });
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
export function windowProblem(window: RegistrationWindow, now: Date): Reason | null {
  const closedByState = registrationState(window.state, window.archivedAt !== null);
  if (closedByState) return closedByState;
  if (now < window.registrationOpensAt) return reason('WINDOW_NOT_OPEN', { opensAt: window.registrationOpensAt.toISOString() });
  if (now > window.registrationClosesAt) return reason('WINDOW_CLOSED', { closedAt: window.registrationClosesAt.toISOString() });
  return null;
}
