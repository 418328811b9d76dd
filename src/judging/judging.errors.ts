import { DomainError, problem, reason, RuleViolationError } from '../core/errors/domain-error';
import type { AssignmentProblem } from './assignment';

/** The catalogue reason of one assignment problem, with the figures its message quotes. */
function assignmentReason(p: AssignmentProblem) {
  if (p.code === 'NOT_ENOUGH_JUDGES') return reason(p.code, { activeJudges: p.activeJudges, needed: p.needed });
  if (p.code === 'CONFIRMED_BEYOND_K') return reason(p.code, { entryIds: p.entryIds, confirmed: p.confirmed, needed: p.needed });
  if (p.code === 'PIN_CANNOT_HOLD') return reason(p.code, { entryIds: p.entryIds, judgeId: p.judgeId, why: p.why });
  if (p.code === 'PINS_BEYOND_K') return reason(p.code, { entryIds: p.entryIds, pinned: p.pinned, needed: p.needed });
  const { field, eligible, needed, activeJudges, affiliated, recorded, entryIds } = p;
  return reason(p.code, { field, eligible, needed, activeJudges, affiliated, recorded, entryIds });
}

/** The assignment cannot give every entry k judges: which entries, and why. */
export class InfeasibleAssignmentError extends RuleViolationError {
  constructor(problems: AssignmentProblem[]) {
    // Entry ids are capped like every problem list: an infeasible field of thousands must not answer megabytes.
    const capped = problems.map((p) => ('entryIds' in p ? { ...p, entryIds: p.entryIds.slice(0, 200) } : p));
    const reasons = capped.map(assignmentReason);
    super(
      'ASSIGNMENT_INFEASIBLE',
      { why: reasons },
      reasons.map((why) => problem('entries', why.code, why.params as never)),
    );
    (this as { details: unknown }).details = { ...(this.details as object), assignment: capped };
  }
}

/** Someone changed the sheet since the caller read it: a lost update is refused, never silent. */
export function staleSheet(sent: number, current: number): DomainError {
  return new DomainError('STALE_VERSION', 'STALE_SHEET', { sent, current }, { currentVersion: current, expected: sent, actual: current, problems: [problem('version', 'NOT_CURRENT_VERSION', {})] });
}

/** The panel changed since the organiser read it. */
export function stalePanel(sent: number, current: number): DomainError {
  return new DomainError('STALE_VERSION', 'STALE_PANEL', { sent, current }, { currentVersion: current, expected: sent, actual: current, problems: [problem('version', 'NOT_CURRENT_VERSION', {})] });
}

export function panelClosed(): RuleViolationError {
  return new RuleViolationError('PANEL_CLOSED', {}, [problem('panel', 'CLOSED', {})]);
}
