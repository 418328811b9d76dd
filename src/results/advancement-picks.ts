/**
 * An organiser's (or school's) pick checked against the stage's rule, pure. What was already sent up from the
 * same stage at the same unit counts against every limit, so picking in several rounds never exceeds one.
 * Limits: the per-field cap of any rule; the count of top-N and top-percentage rules; the threshold's minimum.
 */
import type { AdvancementRule } from '../contests/edition.types';
import { renderProblem } from '../core/errors/problem-codes';
import { AdvancementOutcome, countFor, pickProblems } from './advancement';
import { scoreKey } from './ranking';

export interface PickCandidate {
  entryId: string;
  fieldCode: string;
  score: number | null;
}

export interface PickRefusal {
  field: string;
  code: 'UNKNOWN_ENTRY' | 'DUPLICATE_PICK' | 'FIELD_CAP_EXCEEDED' | 'QUOTA_EXCEEDED' | 'BELOW_THRESHOLD';
  reason: string;
  params: Record<string, string | number>;
}

export function pickRefusals(picked: readonly string[], candidates: readonly PickCandidate[], already: ReadonlyArray<{ entryId: string; fieldCode: string }>, rule: AdvancementRule): PickRefusal[] {
  const refusals: PickRefusal[] = pickProblems(picked, candidates, null);
  if (refusals.length > 0) return refusals;
  const alreadyIds = new Set(already.map((a) => a.entryId));
  const byId = new Map(candidates.map((c) => [c.entryId, c]));
  const perField = new Map<string, number>();
  for (const a of already) perField.set(a.fieldCode, (perField.get(a.fieldCode) ?? 0) + 1);
  const count = countFor(rule, candidates.length);
  let total = alreadyIds.size;
  picked.forEach((entryId, i) => {
    if (alreadyIds.has(entryId)) return;
    const field = `entryIds[${i}]`;
    const entry = byId.get(entryId)!;
    if (rule.kind === 'threshold' && (entry.score === null || scoreKey(entry.score) < scoreKey(rule.minScore))) {
      refusals.push({ field, code: 'BELOW_THRESHOLD', reason: renderProblem('BELOW_THRESHOLD', { entryId, minScore: rule.minScore }, 'en'), params: { entryId, minScore: rule.minScore } });
      return;
    }
    const inField = (perField.get(entry.fieldCode) ?? 0) + 1;
    if (rule.perFieldCap !== undefined && inField > rule.perFieldCap) {
      refusals.push({
        field,
        code: 'FIELD_CAP_EXCEEDED',
        reason: renderProblem('FIELD_CAP_EXCEEDED', { entryId, fieldCode: entry.fieldCode, cap: rule.perFieldCap }, 'en'),
        params: { entryId, fieldCode: entry.fieldCode, cap: rule.perFieldCap },
      });
      return;
    }
    if (count !== null && total + 1 > count) {
      refusals.push({ field, code: 'QUOTA_EXCEEDED', reason: renderProblem('QUOTA_EXCEEDED', { entryId, count }, 'en'), params: { entryId, count } });
      return;
    }
    perField.set(entry.fieldCode, inField);
    total += 1;
  });
  return refusals;
}

const OUTCOME_TEXT: Record<AdvancementOutcome, (limit: number | null) => string> = {
  advances: () => 'được chọn vào vòng sau',
  already_advanced: () => 'đã ở vòng sau',
  below_threshold: (limit) => `dưới ngưỡng ${limit} điểm`,
  beyond_count: (limit) => `ngoài ${limit} sản phẩm được chọn`,
  beyond_field_cap: (limit) => `lĩnh vực đã đủ ${limit} sản phẩm`,
  tie_at_cut: (limit) => `nhóm đồng hạng vượt giới hạn ${limit} nên cùng ở lại`,
  not_scored: () => 'chưa có điểm',
  not_picked: () => 'không được chọn',
};

export function advancementReason(outcome: AdvancementOutcome, limit: number | null, rank: number | null): string {
  return `${rank === null ? '' : `Hạng ${rank}: `}${OUTCOME_TEXT[outcome](limit)}`;
}
