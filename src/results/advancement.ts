/**
 * Which entries of one stage at one unit go up to the next stage (DOMAIN.md, "Stages"), pure.
 *
 * Ranked rules (top N, score threshold, top percentage) rank through `rankEntries`, like prizes do.
 * Counts and per-field caps are maximums, as prize quotas are: a tie group that straddles a cut stays
 * behind whole (its decision says so), and the organiser may still send it up by pick where the rule
 * allows picks. A top percentage counts whole entries of the unit's stage, rounded down.
 * An organiser's pick is checked, not ranked: unknown entries and picks beyond the per-field cap are refused.
 */
import type { AdvancementRule } from '../contests/edition.types';
import { renderProblem } from '../core/errors/problem-codes';
import { rankEntries, ScoredEntry, scoreKey, tieGroups } from './ranking';

export type AdvancementOutcome = 'advances' | 'already_advanced' | 'below_threshold' | 'beyond_count' | 'beyond_field_cap' | 'tie_at_cut' | 'not_scored' | 'not_picked';

export interface AdvancementDecision {
  entryId: string;
  fieldCode: string;
  score: number | null;
  rank: number | null;
  outcome: AdvancementOutcome;
  /** The cut that decided it: the count, the threshold or the field cap; null where none applies. */
  limit: number | null;
}

export interface AdvancementResult {
  advancing: string[];
  decisions: AdvancementDecision[];
  /** How many entries the rule allows up (null: no count, as with a threshold). */
  count: number | null;
}

export interface PickProblem {
  field: string;
  code: 'UNKNOWN_ENTRY' | 'DUPLICATE_PICK' | 'FIELD_CAP_EXCEEDED';
  reason: string;
  params: Record<string, string | number>;
}

export function countFor(rule: AdvancementRule, entriesInStage: number): number | null {
  if (rule.kind === 'top_n') return rule.count;
  if (rule.kind === 'top_percent') return Math.floor(Math.round(rule.percent * entriesInStage * 1e4) / 1e6);
  return null;
}

/**
 * The entries a ranked rule sends up. `pick` rules are not ranked: use `pickProblems`.
 * `already`: what went up from the same stage at the same unit before (an organiser's pick, an earlier
 * confirmation). It holds its places first, so the rule's choice and the picks together stay within the count
 * and every field's cap; the rule fills only what is left.
 */
export function selectForAdvancement(
  entries: readonly ScoredEntry[],
  rule: Exclude<AdvancementRule, { kind: 'pick' }>,
  tieBreak: readonly string[],
  already: ReadonlyArray<{ entryId: string; fieldCode: string }> = [],
): AdvancementResult {
  const { ranked, unscored } = rankEntries(entries, tieBreak);
  const count = countFor(rule, entries.length);
  const cap = rule.perFieldCap ?? null;
  const sent = new Set(already.map((a) => a.entryId));
  const perField = new Map<string, number>();
  for (const a of already) perField.set(a.fieldCode, (perField.get(a.fieldCode) ?? 0) + 1);
  /** Fields whose cap a tie group straddled: nobody ranked below that group may pass it. */
  const closedFields = new Set<string>();
  const decisions: AdvancementDecision[] = [];
  let taken = sent.size;
  let countClosed = false;

  for (const tieGroup of tieGroups(ranked)) {
    const group = tieGroup.filter((e) => !sent.has(e.entryId));
    const decide = (outcome: AdvancementOutcome, limit: number | null, members = group) => {
      for (const e of members) decisions.push({ entryId: e.entryId, fieldCode: e.fieldCode, score: e.score, rank: e.rank, outcome, limit });
    };
    if (group.length < tieGroup.length)
      decide(
        'already_advanced',
        null,
        tieGroup.filter((e) => sent.has(e.entryId)),
      );
    if (group.length === 0) continue;
    if (rule.kind === 'threshold' && scoreKey(group[0].score) < scoreKey(rule.minScore)) {
      decide('below_threshold', rule.minScore);
      continue;
    }
    if (count !== null && (countClosed || taken >= count)) {
      decide('beyond_count', count);
      continue;
    }
    // Within the group, each field's members either all fit under the field cap or all stay behind.
    const byField = new Map<string, typeof group>();
    for (const e of group) byField.set(e.fieldCode, [...(byField.get(e.fieldCode) ?? []), e]);
    const fitting: typeof group = [];
    for (const [field, members] of byField) {
      const used = perField.get(field) ?? 0;
      if (cap === null || (!closedFields.has(field) && used + members.length <= cap)) {
        fitting.push(...members);
      } else {
        decide(used >= cap || closedFields.has(field) ? 'beyond_field_cap' : 'tie_at_cut', cap, members);
        closedFields.add(field);
      }
    }
    if (count !== null && taken + fitting.length > count) {
      decide('tie_at_cut', count, fitting);
      countClosed = true;
      continue;
    }
    decide('advances', null, fitting);
    taken += fitting.length;
    for (const e of fitting) perField.set(e.fieldCode, (perField.get(e.fieldCode) ?? 0) + 1);
  }
  for (const e of unscored) decisions.push({ entryId: e.entryId, fieldCode: e.fieldCode, score: null, rank: null, outcome: sent.has(e.entryId) ? 'already_advanced' : 'not_scored', limit: null });
  return { advancing: decisions.filter((d) => d.outcome === 'advances').map((d) => d.entryId), decisions, count };
}

/** Why an organiser's pick cannot stand, each naming the pick (`entryIds[i]`); empty when it can. */
export function pickProblems(picked: readonly string[], entries: ReadonlyArray<{ entryId: string; fieldCode: string }>, perFieldCap: number | null | undefined): PickProblem[] {
  const problems: PickProblem[] = [];
  const fieldOf = new Map(entries.map((e) => [e.entryId, e.fieldCode]));
  const seen = new Set<string>();
  const perField = new Map<string, number>();
  picked.forEach((entryId, i) => {
    const field = `entryIds[${i}]`;
    const fieldCode = fieldOf.get(entryId);
    if (fieldCode === undefined) {
      problems.push({ field, code: 'UNKNOWN_ENTRY', reason: renderProblem('UNKNOWN_ENTRY', { entryId }, 'en'), params: { entryId } });
      return;
    }
    if (seen.has(entryId)) {
      problems.push({ field, code: 'DUPLICATE_PICK', reason: renderProblem('DUPLICATE_PICK', { entryId }, 'en'), params: { entryId } });
      return;
    }
    seen.add(entryId);
    const used = (perField.get(fieldCode) ?? 0) + 1;
    perField.set(fieldCode, used);
    if (perFieldCap !== null && perFieldCap !== undefined && used > perFieldCap) {
      problems.push({
        field,
        code: 'FIELD_CAP_EXCEEDED',
        reason: renderProblem('FIELD_CAP_EXCEEDED', { entryId, fieldCode, cap: perFieldCap }, 'en'),
        params: { entryId, fieldCode, cap: perFieldCap },
      });
    }
  });
  return problems;
}
