/**
 * Scores of one panel, from judges' sheets to an entry's score. Pure. Points travel as whole hundredths
 * (82.5 → 8250) so no sum ever rounds: a float sum of 0.1 steps drifts, an integer sum does not.
 */
import type { Aggregation } from '../contests/edition.types';
import { FieldProblem, problem } from '../core/errors/domain-error';

/** Decimals every score keeps, in storage (numeric(…, 2)) and in answers. */
export const SCORE_DECIMALS = 2;
const SCALE = 10 ** SCORE_DECIMALS;
/** The rubric's step when the edition sets none. */
export const DEFAULT_STEP = 0.5;

export interface Criterion {
  code: string;
  maxPoints: number;
}

/** Whole hundredths of a decimal that has at most two decimals; null when it has more (or is not finite). */
export function toHundredths(points: number): number | null {
  if (!Number.isFinite(points)) return null;
  const scaled = Math.round(points * SCALE);
  return Math.abs(scaled - points * SCALE) < 1e-6 ? scaled : null;
}

/** `8250` → `"82.50"`: the fixed-decimal text answers and exports carry. */
export function formatHundredths(value: number): string {
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  return `${sign}${Math.floor(abs / SCALE)}.${String(abs % SCALE).padStart(SCORE_DECIMALS, '0')}`;
}

export type ScoreProblem = FieldProblem;

/**
 * Why a sheet's points cannot be saved: unknown criteria, points outside 0..max or off the rubric's step.
 * `complete` also asks for every criterion (confirming needs a full sheet; a draft may be partial).
 */
export function sheetProblems(criteria: Criterion[], points: Record<string, number>, step = DEFAULT_STEP, complete = false): ScoreProblem[] {
  const problems: ScoreProblem[] = [];
  const known = new Map(criteria.map((c) => [c.code, c]));
  const stepHundredths = toHundredths(step) ?? 50;
  for (const [code, value] of Object.entries(points)) {
    const criterion = known.get(code);
    const field = `points.${code}`;
    if (!criterion) {
      problems.push(problem(field, 'UNKNOWN_CRITERION', { known: criteria.map((c) => c.code) }));
      continue;
    }
    const hundredths = typeof value === 'number' ? toHundredths(value) : null;
    const max = toHundredths(criterion.maxPoints)!;
    if (hundredths === null || hundredths < 0 || hundredths > max) {
      problems.push(problem(field, 'POINTS_OUT_OF_RANGE', { max: criterion.maxPoints }));
    } else if (hundredths % stepHundredths !== 0) {
      problems.push(problem(field, 'POINTS_OFF_STEP', { step }));
    }
  }
  if (complete) {
    for (const criterion of criteria) {
      if (!(criterion.code in points)) problems.push(problem(`points.${criterion.code}`, 'CRITERION_UNSCORED', {}));
    }
  }
  return problems;
}

/** A sheet's total in hundredths; call only on points `sheetProblems` accepted. */
export function sheetTotal(points: Record<string, number>): number {
  return Object.values(points).reduce((sum, value) => sum + toHundredths(value)!, 0);
}

/** Half-up division of non-negative integers. */
function divideRounded(sum: number, count: number): number {
  return Math.floor((2 * sum + count) / (2 * count));
}

/** Judges needed before a trimmed mean drops anyone. */
export const TRIM_FROM = 5;

/**
 * The entry's score from its confirmed judges' totals (hundredths): their mean, or with `trimmed_mean` and
 * at least five judges, the mean without one highest and one lowest. Null with no confirmed total.
 */
export function aggregateTotals(totals: number[], aggregation: Aggregation): number | null {
  if (totals.length === 0) return null;
  let counted = [...totals].sort((a, b) => a - b);
  if (aggregation === 'trimmed_mean' && counted.length >= TRIM_FROM) counted = counted.slice(1, -1);
  return divideRounded(
    counted.reduce((sum, t) => sum + t, 0),
    counted.length,
  );
}

/** How far apart the judges' totals are (hundredths); 0 with fewer than two. */
export function spreadOf(totals: number[]): number {
  return totals.length < 2 ? 0 : Math.max(...totals) - Math.min(...totals);
}

/**
 * Whether an entry goes to the chair: once it has all its k confirmed totals (or more, after a judge was
 * added), when they differ by more than the stage's spread. No spread set: never.
 */
export function needsReview(totals: number[], judgesPerEntry: number, discrepancySpread: number | null): boolean {
  if (discrepancySpread === null || totals.length < judgesPerEntry) return false;
  return spreadOf(totals) > toHundredths(discrepancySpread)!;
}

/**
 * Judge-bias normalisation: each judge's totals standardised across the panel (z-score), then put back on
 * the panel's own scale (panel mean and deviation), so a strict judge and a lenient one count alike.
 * Returns hundredths by sheet id; a judge with one total or no spread keeps their totals shifted by the
 * difference of means only.
 */
export function normalisedTotals(sheets: Array<{ id: string; judgeId: string; total: number }>): Map<string, number> {
  const out = new Map<string, number>();
  if (sheets.length === 0) return out;
  const stats = (values: number[]) => {
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    return { mean, sd };
  };
  const panel = stats(sheets.map((s) => s.total));
  const byJudge = new Map<string, number[]>();
  for (const sheet of sheets) byJudge.set(sheet.judgeId, [...(byJudge.get(sheet.judgeId) ?? []), sheet.total]);
  const judgeStats = new Map([...byJudge].map(([judgeId, totals]) => [judgeId, stats(totals)]));
  for (const sheet of sheets) {
    const judge = judgeStats.get(sheet.judgeId)!;
    const z = judge.sd > 0 ? (sheet.total - judge.mean) / judge.sd : 0;
    const value = judge.sd > 0 && panel.sd > 0 ? panel.mean + z * panel.sd : sheet.total - judge.mean + panel.mean;
    out.set(sheet.id, Math.round(value));
  }
  return out;
}

export interface SheetState {
  entryId: string;
  judgeId: string;
  status: 'assigned' | 'draft' | 'confirmed';
  /** False once the judge was removed or declared a conflict: kept on record, no longer counted. */
  active: boolean;
}

export interface Progress {
  judges: Array<{ judgeId: string; assigned: number; drafted: number; confirmed: number }>;
  entries: Array<{ entryId: string; judges: number; confirmed: number; openFlag: boolean }>;
}

/** Per judge how much they have to do and did, per entry how many confirmed scores and whether a flag is open. */
export function panelProgress(entryIds: string[], judgeIds: string[], sheets: SheetState[], openFlags: Set<string>): Progress {
  const judges = new Map(judgeIds.map((id) => [id, { judgeId: id, assigned: 0, drafted: 0, confirmed: 0 }]));
  const entries = new Map(entryIds.map((id) => [id, { entryId: id, judges: 0, confirmed: 0, openFlag: openFlags.has(id) }]));
  for (const sheet of sheets) {
    if (!sheet.active) continue;
    const judge = judges.get(sheet.judgeId);
    const entry = entries.get(sheet.entryId);
    if (judge) {
      judge.assigned += 1;
      if (sheet.status === 'draft') judge.drafted += 1;
      if (sheet.status === 'confirmed') judge.confirmed += 1;
    }
    if (entry) {
      entry.judges += 1;
      if (sheet.status === 'confirmed') entry.confirmed += 1;
    }
  }
  return { judges: [...judges.values()], entries: [...entries.values()] };
}

/**
 * Why the panel cannot close yet, one problem per reason; empty when every entry has k confirmed scores (and a
 * judge the chair added has confirmed too) and no open flag.
 */
export function closeProblems(progress: Progress, judgesPerEntry: number): ScoreProblem[] {
  const short = progress.entries.filter((e) => e.confirmed < Math.max(judgesPerEntry, e.judges));
  const flagged = progress.entries.filter((e) => e.openFlag);
  const problems: ScoreProblem[] = [];
  if (short.length) {
    problems.push(problem('entries', 'ENTRIES_LACK_SCORES', { count: short.length, needed: judgesPerEntry, entryIds: short.slice(0, 20).map((e) => e.entryId) }));
  }
  if (flagged.length) {
    problems.push(problem('flags', 'OPEN_FLAGS', { count: flagged.length, entryIds: flagged.slice(0, 20).map((e) => e.entryId) }));
  }
  return problems;
}
