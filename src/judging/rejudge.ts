/**
 * Cusp re-judging: which entries go to a fresh set of judges because their score sits close to a prize or
 * advancement cut, and who may not judge them again. Pure: data in, data out. Scores travel as whole hundredths,
 * like every score of judging (aggregation.ts).
 */
import type { Aggregation, RejudgeMode } from '../contests/edition.types';
import { aggregateTotals } from './aggregation';
import type { AssignmentProblem, CurrentPair, PanelEntry, RecordedConflict } from './assignment';

/** A counted sheet of the panel, with the total that counts (raw, or normalised where the stage says so). */
export interface CountedSheet {
  entryId: string;
  judgeId: string;
  status: 'assigned' | 'draft' | 'confirmed';
  active: boolean;
  round: number;
  /** Hundredths; null until confirmed. */
  total: number | null;
}

export interface CuspEntry {
  entryId: string;
  /** The entry's score (hundredths). */
  score: number;
  /** The cut it sits closest to, and how far from it (hundredths). */
  cut: number;
  distance: number;
  /** The round its fresh judges score in: one more than any round of the entry so far. */
  round: number;
}

/**
 * An entry's settled score: every counting sheet confirmed, at least k of them, no open flag. Entries still being
 * scored have none and cannot sit on a cut yet.
 */
export function settledScores(entryIds: string[], sheets: CountedSheet[], openFlags: ReadonlySet<string>, judgesPerEntry: number, aggregation: Aggregation): Map<string, number> {
  const byEntry = new Map<string, CountedSheet[]>();
  for (const sheet of sheets) if (sheet.active) byEntry.set(sheet.entryId, [...(byEntry.get(sheet.entryId) ?? []), sheet]);
  const scores = new Map<string, number>();
  for (const entryId of entryIds) {
    const own = byEntry.get(entryId) ?? [];
    if (openFlags.has(entryId) || own.length < judgesPerEntry || own.some((s) => s.status !== 'confirmed' || s.total === null)) continue;
    const score = aggregateTotals(
      own.map((s) => s.total!),
      aggregation,
    );
    if (score !== null) scores.set(entryId, score);
  }
  return scores;
}

/**
 * The entries whose score lies within `margin` of one of `cuts` (both ends included), each with its nearest cut;
 * closest first, then by entry id, so the same input always gives the same answer.
 */
export function cuspEntries(scores: ReadonlyMap<string, number>, cuts: number[], margin: number, sheets: CountedSheet[]): CuspEntry[] {
  if (cuts.length === 0) return [];
  const lastRound = new Map<string, number>();
  for (const sheet of sheets) lastRound.set(sheet.entryId, Math.max(lastRound.get(sheet.entryId) ?? 1, sheet.round));
  const out: CuspEntry[] = [];
  for (const [entryId, score] of scores) {
    let cut = cuts[0];
    for (const c of cuts) if (Math.abs(score - c) < Math.abs(score - cut) || (Math.abs(score - c) === Math.abs(score - cut) && c > cut)) cut = c;
    const distance = Math.abs(score - cut);
    if (distance <= margin) out.push({ entryId, score, cut, distance, round: (lastRound.get(entryId) ?? 1) + 1 });
  }
  return out.sort((a, b) => a.distance - b.distance || (a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0));
}

/**
 * Everyone who ever held a sheet of a re-judged entry in the panel (any round, counted or set aside), as conflicts
 * for the assignment of its fresh judges: none of them scores it again.
 */
export function earlierJudges(entries: CuspEntry[], sheets: CountedSheet[]): RecordedConflict[] {
  const chosen = new Set(entries.map((e) => e.entryId));
  const seen = new Set<string>();
  const out: RecordedConflict[] = [];
  for (const sheet of sheets) {
    const key = `${sheet.entryId}\n${sheet.judgeId}`;
    if (!chosen.has(sheet.entryId) || seen.has(key)) continue;
    seen.add(key);
    out.push({ entryId: sheet.entryId, judgeId: sheet.judgeId, kind: 'other' });
  }
  return out;
}

/** A sheet as re-assignment sees it. */
export interface RoundSheet {
  entryId: string;
  judgeId: string;
  status: 'assigned' | 'draft' | 'confirmed';
  active: boolean;
  round: number;
  createdAt: Date;
}

/** One round of one entry that needs its k judges. */
export interface RoundSlot {
  entryId: string;
  round: number;
}

/** What the assignment fills when a panel's entries may have been re-judged, and how to read its answer back. */
export interface RoundedAssignment {
  /** One assignment entry per slot: the entry itself for round 1, a copy under its own id for a later round. */
  entries: PanelEntry[];
  current: CurrentPair[];
  conflicts: RecordedConflict[];
  /** The entry and round behind an id of `entries`. */
  slotOf(id: string): RoundSlot;
}

const ROUND_RANK = { confirmed: 0, draft: 1, assigned: 2 } as const;

/**
 * The panel's assignment round by round. Each entry needs k judges in every round that counts: its latest round
 * alone where re-judged scores replace the earlier ones, every round where they join them. A judge who holds a
 * sheet of the entry in one round is a conflict for its other rounds: re-judging takes fresh judges, and a
 * removed judge of a later round is replaced by another fresh one (a judge also holds one sheet per entry).
 * Current pairs are a round's active sheets, at most k (confirmed first, then the oldest): a judge the chair added
 * beyond k to settle a flag is left out, so their sheet is neither dropped as surplus nor taken for too many
 * confirmed scores. Recorded conflicts hold for every round of their entry.
 */
export function roundedAssignment(entries: PanelEntry[], sheets: RoundSheet[], recorded: RecordedConflict[], mode: RejudgeMode, judgesPerEntry: number): RoundedAssignment {
  const slotId = (entryId: string, round: number) => (round === 1 ? entryId : `${entryId}#${round}`);
  const byEntry = new Map<string, RoundSheet[]>();
  for (const sheet of sheets) byEntry.set(sheet.entryId, [...(byEntry.get(sheet.entryId) ?? []), sheet]);
  const slots = new Map<string, RoundSlot>();
  const out: RoundedAssignment = { entries: [], current: [], conflicts: [], slotOf: (id) => slots.get(id)! };
  const recordedOf = new Map<string, RecordedConflict[]>();
  for (const conflict of recorded) recordedOf.set(conflict.entryId, [...(recordedOf.get(conflict.entryId) ?? []), conflict]);
  for (const entry of entries) {
    const own = byEntry.get(entry.id) ?? [];
    const latest = own.reduce((max, s) => Math.max(max, s.round), 1);
    const rounds = mode === 'join' ? Array.from({ length: latest }, (_, i) => i + 1) : [latest];
    for (const round of rounds) {
      const id = slotId(entry.id, round);
      slots.set(id, { entryId: entry.id, round });
      out.entries.push({ ...entry, id });
      const counting = own
        .filter((s) => s.active && s.round === round)
        .sort((a, b) => ROUND_RANK[a.status] - ROUND_RANK[b.status] || a.createdAt.getTime() - b.createdAt.getTime())
        .slice(0, judgesPerEntry);
      out.current.push(...counting.map((s) => ({ entryId: id, judgeId: s.judgeId, scores: s.status === 'assigned' ? ('none' as const) : s.status })));
      const elsewhere = new Set(own.filter((s) => s.round !== round).map((s) => s.judgeId));
      out.conflicts.push(...[...elsewhere].map((judgeId) => ({ entryId: id, judgeId, kind: 'other' as const })));
      out.conflicts.push(...(recordedOf.get(entry.id) ?? []).map((c) => ({ ...c, entryId: id })));
    }
  }
  // Sheets of entries no longer in the panel (withdrawn, moved): current pairs the assignment drops.
  const listed = new Set(entries.map((e) => e.id));
  for (const sheet of sheets.filter((s) => s.active && !listed.has(s.entryId))) {
    const id = slotId(sheet.entryId, sheet.round);
    slots.set(id, { entryId: sheet.entryId, round: sheet.round });
    out.current.push({ entryId: id, judgeId: sheet.judgeId, scores: sheet.status === 'assigned' ? 'none' : sheet.status });
  }
  return out;
}

/** The assignment's problems about slots, told about their entries (each once). */
export function entryProblems(problems: AssignmentProblem[], slotOf: (id: string) => RoundSlot): AssignmentProblem[] {
  return problems.map((p) => ('entryIds' in p ? { ...p, entryIds: [...new Set(p.entryIds.map((id) => slotOf(id).entryId))] } : p));
}
