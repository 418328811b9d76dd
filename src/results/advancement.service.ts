import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { AdvancementRule } from '../contests/edition.types';
import { Actor } from '../core/auth/actor';
import { AuditService } from '../core/audit/audit.service';
import { DomainError, FieldProblem, invalidRequest, NotFoundError, problem, RuleViolationError, ValidationError } from '../core/errors/domain-error';
import { OutboxService } from '../core/outbox/outbox.service';
import { AdvancementOutcome, selectForAdvancement } from './advancement';
import { advancementReason, pickRefusals } from './advancement-picks';
import { mayCall, Permission, reaches } from '../core/access/policy';
import { requireAdvancerAt, requireEntryReader, requireOrganiserAt } from './results-access';
import { advancementDigestMail, MailEvent, nationalSelectionMail } from '../core/outbox/mail-catalogue';
import { ResultsRepository, StageRow, UnitRow } from './results.repository';
import { Candidate, candidates } from './stage-candidates';
import { STAGE_SCORE_READER, StageScoreReader } from './stage-scores';
import { StageReader } from '../contests/stage-reader';
import { resultsActionProblem } from '../contests/edition-lifecycle';
import { StageEntries } from '../entries/stage-entries';
import { UnitReader } from '../units/unit-reader';
import { readTogether } from '../core/database/read-together';

export interface AdvancementLine {
  entryId: string;
  reference: string;
  title: string;
  school: string;
  fieldCode: string;
  score: string | null;
  rank: number | null;
  outcome: AdvancementOutcome;
  reason: string;
}

export interface AdvancementPlan {
  from: { stageId: string; stageName: string; unitId: string; unitName: string };
  to: { stageId: string; stageName: string; unitId: string; unitName: string };
  rule: AdvancementRule;
  /** How many the rule lets up from this unit (null: no count, as with a threshold or a pick without cap). */
  count: number | null;
  lines: AdvancementLine[];
}

export interface AdvancementOutcomeView extends AdvancementPlan {
  /** Entries this call moved. */
  moved: string[];
  /** Entries of the selection that were already at the next stage (a repeat, or another organiser first). */
  alreadyAdvanced: string[];
}

interface SelectionLine {
  entryId: string;
  reference: string;
  title: string;
  fieldCode: string;
  fieldName: string;
  score: string | null;
  rank: number | null;
  rule: string;
  advancedAt: Date;
}

/** Selections larger than this are not listed in one answer. */
const SELECTION_LIMIT = 5000;

/** What a unit's selection is decided from. */
interface Standing {
  scored: Candidate[];
  already: Array<{ entryId: string; fieldCode: string }>;
}

interface Context {
  stage: StageRow;
  unit: UnitRow;
  next: StageRow;
  toUnit: UnitRow;
  rule: AdvancementRule;
  as: 'organiser' | 'school';
}

/** Moving entries from a stage at a unit to the next stage at the unit above, by the stage's rule or by pick. */
@Injectable()
export class AdvancementService {
  constructor(
    private readonly repo: ResultsRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    @Inject(STAGE_SCORE_READER) private readonly scores: StageScoreReader,
    private readonly stages: StageReader,
    private readonly units: UnitReader,
    private readonly entries: StageEntries,
  ) {}

  async preview(actor: Actor, stageId: string, unitId: string, entryIds: string[] | undefined): Promise<AdvancementPlan> {
    const [context] = await this.contexts(actor, stageId, [unitId], unplaced);
    const [standing] = await this.standings(this.repo.manager, [context]);
    return this.plan(context, standing, entryIds).plan;
  }

  /** Moves the selection; each entry moves once however often or concurrently this is called. */
  async confirm(actor: Actor, stageId: string, unitId: string, entryIds: string[] | undefined): Promise<AdvancementOutcomeView> {
    const [context] = await this.contexts(actor, stageId, [unitId], unplaced);
    const [outcome] = await this.repo.transaction((manager) => this.advance(manager, actor, [{ context, entryIds }], unplaced));
    return outcome;
  }

  /**
   * `confirm` for many units of one stage in one transaction: any unit refused refuses all, its problems named
   * `units[i].…`. The batch is read and written in a few statements whatever its size; only the choice of each
   * unit's entries is made unit by unit, by the rule's pure decision.
   */
  async confirmMany(actor: Actor, stageId: string, picks: Array<{ unitId: string; entryIds?: string[] }>): Promise<{ units: Array<{ unitId: string; moved: string[]; alreadyAdvanced: string[] }> }> {
    const twice = picks.flatMap((p, i) => (picks.findIndex((q) => q.unitId === p.unitId) < i ? [problem(`units[${i}].unitId`, 'LISTED_TWICE', { id: p.unitId })] : []));
    if (twice.length > 0) throw invalidRequest(twice);
    const contexts = await this.contexts(
      actor,
      stageId,
      picks.map((p) => p.unitId),
      placedAtUnit,
    );
    const outcomes = await this.repo.transaction((manager) =>
      this.advance(
        manager,
        actor,
        picks.map((p, i) => ({ context: contexts[i], entryIds: p.entryIds })),
        placedAtUnit,
      ),
    );
    return { units: outcomes.map(({ moved, alreadyAdvanced }, i) => ({ unitId: picks[i].unitId, moved, alreadyAdvanced })) };
  }

  /** Moves each unit's selection (all units of one stage): one lock statement, one read of each kind, one write of each kind. */
  private async advance(manager: EntityManager, actor: Actor, batch: Array<{ context: Context; entryIds: string[] | undefined }>, place: Placer): Promise<AdvancementOutcomeView[]> {
    const contexts = batch.map((b) => b.context);
    const { stage, next, rule } = contexts[0];
    await this.repo.lockAdvancementSources(
      manager,
      stage.id,
      contexts.map((c) => c.unit.id),
    );
    const standings = await this.standings(manager, contexts);
    const plans = batch.map(({ context, entryIds }, i) => place(i, () => this.plan(context, standings[i], entryIds)));
    const moved = new Set(
      await this.entries.moveTo(
        manager,
        next.id,
        plans.flatMap(({ selected }, i) => selected.map((c) => ({ entryId: c.entryId, unitId: contexts[i].toUnit.id }))),
      ),
    );
    const movedOf = plans.map(({ selected }) => selected.filter((c) => moved.has(c.entryId)));
    await this.repo.recordAdvancements(
      manager,
      { fromStageId: stage.id, toStageId: next.id, rule: rule.kind, actorId: actor.userId },
      movedOf.flatMap((list, i) => {
        const rankOf = new Map(plans[i].plan.lines.map((l) => [l.entryId, l.rank]));
        return list.map((c) => ({ entryId: c.entryId, fromUnitId: contexts[i].unit.id, toUnitId: contexts[i].toUnit.id, score: c.scoreText, rank: rankOf.get(c.entryId) ?? null }));
      }),
    );
    await this.audit.record(
      manager,
      actor,
      movedOf.flatMap((list, i) =>
        list.map((c) => ({
          action: 'entry.advance',
          entityType: 'entry',
          entityId: c.entryId,
          unitPath: c.row.unitPath,
          before: { stageId: stage.id, unitId: contexts[i].unit.id },
          after: { stageId: next.id, unitId: contexts[i].toUnit.id, rule: rule.kind, score: c.scoreText },
        })),
      ),
    );
    await this.outbox.add(
      manager,
      movedOf.flatMap((list, i) => this.digests(contexts[i], list)),
    );
    // Already there: what an earlier call sent up, and what a concurrent one moved first.
    return plans.map(({ plan, selected, already }, i) => ({
      ...plan,
      moved: movedOf[i].map((c) => c.entryId),
      alreadyAdvanced: [...already, ...selected.map((c) => c.entryId).filter((id) => !moved.has(id))],
    }));
  }

  /** The window in which schools under `unitId` pick their entries of an unjudged stage. */
  async setPickWindow(actor: Actor, stageId: string, unitId: string, opensAt: Date, closesAt: Date): Promise<{ stageId: string; unitId: string; opensAt: Date; closesAt: Date }> {
    const [stage, unit] = await Promise.all([this.stages.stage(stageId), this.units.unit(unitId)]);
    if (!stage || !unit) throw new NotFoundError('Stage at this unit');
    requireOrganiserAt(actor, unit.path, 'Stage at this unit');
    if (stage.judged) throw new RuleViolationError('STAGE_IS_JUDGED', { stage: stage.name }, [problem('stageId', 'ONLY_UNJUDGED_PICK_WINDOW', {})]);
    if (closesAt <= opensAt) throw new ValidationError('WINDOW_ENDS_BEFORE_START', {}, [problem('closesAt', 'CLOSES_BEFORE_OPENS', {})]);
    await this.repo.transaction(async (manager) => {
      const { before } = await this.repo.upsertPickWindow(manager, { stageId, unit, opensAt, closesAt, setBy: actor.userId });
      await this.audit.record(manager, actor, { action: 'pick-window.set', entityType: 'stage', entityId: stageId, unitPath: unit.path, before, after: { unitId, opensAt, closesAt } });
    });
    return { stageId, unitId, opensAt, closesAt };
  }

  /** Entries sent up to a stage, grouped by the unit that sent them. */
  async selections(actor: Actor, stageId: string) {
    const stage = await this.stages.stage(stageId);
    if (!stage || !mayCall(actor.grants, Permission.ResultManage)) throw new NotFoundError('Stage');
    // Senders in scope: units under the caller, or any sender to a unit at or under the caller (the receiver sees every sender).
    const routes = await this.repo.selectionRoutes(stageId);
    const units = await this.units.many([...new Set(routes.flatMap((r) => [r.fromUnitId, r.toUnitId]))]);
    const inScope = (id: string) => units.has(id) && reaches(actor.grants, Permission.ResultManage, units.get(id)!.path);
    const senders = [...new Set(routes.filter((r) => inScope(r.fromUnitId) || inScope(r.toUnitId)).map((r) => r.fromUnitId))].sort((a, b) => (units.get(a)!.code < units.get(b)!.code ? -1 : 1));
    const rows = await this.repo.selections(stageId, senders, SELECTION_LIMIT);
    const described = await this.entries.describe(rows.map((r) => r.entryId));
    const groups = new Map<string, { unit: { id: string; code: string; name: string }; entries: SelectionLine[] }>(
      senders.map((id) => [id, { unit: { id, code: units.get(id)!.code, name: units.get(id)!.name }, entries: [] }]),
    );
    for (const row of rows) {
      const group = groups.get(row.fromUnitId)!;
      group.entries.push({
        entryId: row.entryId,
        ...described.get(row.entryId)!,
        score: row.score,
        rank: row.rank,
        rule: row.rule,
        advancedAt: row.advancedAt,
      });
    }
    const byRank = (a: SelectionLine, b: SelectionLine) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0);
    return { stage: { id: stage.id, name: stage.name }, senders: [...groups.values()].filter((g) => g.entries.length > 0).map((g) => ({ ...g, entries: g.entries.sort(byRank) })) };
  }

  /** Every stage the entry reached, with its score and prize there. */
  async history(actor: Actor, entryId: string) {
    const path = await this.entries.unitPath(entryId);
    if (path === null) throw new NotFoundError('Entry');
    requireEntryReader(actor, path);
    const [reached, results] = await Promise.all([this.entries.stagesOf(entryId), this.repo.entryResults(entryId)]);
    const resultAt = new Map(results.map((r) => [r.stageId, r]));
    const stages = await Promise.all(
      reached.map(async (r) => {
        const [stage, unit] = await Promise.all([this.stages.stage(r.stageId), this.units.unit(r.unitId)]);
        const result = resultAt.get(r.stageId);
        return {
          stageId: r.stageId,
          stageName: stage!.name,
          position: stage!.position,
          unitId: r.unitId,
          unitName: unit!.name,
          enteredAt: r.enteredAt,
          score: result?.score ?? null,
          prizeCode: result?.prizeCode ?? null,
          prizeName: result?.prizeName ?? null,
          prizeListVersion: result?.prizeListVersion ?? null,
          prizeListPhase: result?.prizeListPhase ?? null,
          advanced: result?.advanced ?? false,
        };
      }),
    );
    return { entryId, stages: stages.sort((a, b) => a.position - b.position) };
  }

  /**
   * Each unit's context, read for all units at once; what refuses a unit is named through `place` (its place in a
   * bulk call). A unit's checks run in the order a single call makes them.
   */
  private async contexts(actor: Actor, stageId: string, unitIds: readonly string[], place: Placer): Promise<Context[]> {
    const [stage, units] = await Promise.all([this.stages.stage(stageId), this.units.many(unitIds)]);
    const next = stage?.advancement ? await this.stages.nextStage(stage) : null;
    const targetOf = next
      ? await this.units.ancestorsAt(
          this.repo.manager,
          [...units.values()].map((u) => u.path),
          next.levelCode,
        )
      : new Map<string, string | null>();
    const targets = await this.units.many([...targetOf.values()].filter((id): id is string => id !== null));
    const checked = unitIds.map((unitId, i) =>
      place(i, () => {
        const unit = units.get(unitId);
        if (!stage || !unit || unit.levelCode !== stage.levelCode) throw new NotFoundError('Stage at this unit');
        const as = requireAdvancerAt(actor, unit, stage.judged);
        const rule = stage.advancement;
        if (!rule || !next) throw new RuleViolationError('LAST_STAGE_NO_PICK', { stage: stage.name }, [problem('stageId', 'NO_NEXT_STAGE', {})]);
        const allowed = resultsActionProblem('advance', stage.editionState, stage.editionArchived);
        if (allowed) throw new RuleViolationError(allowed.code, allowed.params, [problem('editionState', 'EDITION_STATE', { state: stage.editionState })]);
        const toUnit = targets.get(targetOf.get(unit.path) ?? '');
        if (!toUnit)
          throw new RuleViolationError('NO_NEXT_STAGE_RUNNER', { levelCode: next.levelCode, stageName: next.name }, [problem('unitId', 'NO_UNIT_AT_LEVEL_ABOVE', { levelCode: next.levelCode })]);
        return { stage, unit, next, toUnit, rule, as };
      }),
    );
    // A school acts for itself only: a bulk call holds at most a few of these.
    for (const [i, context] of checked.entries()) if (context.as === 'school') await placeAsync(place, i, () => this.requirePickWindowOpen(context.stage, context.unit));
    return checked;
  }

  private async requirePickWindowOpen(stage: StageRow, school: UnitRow): Promise<void> {
    const [window] = await this.repo.pickWindowsFor(stage.id, school.path);
    const now = Date.now();
    if (!window) throw new RuleViolationError('NO_PICK_WINDOW', {}, [problem('stageId', 'NO_PICK_WINDOW_SHORT', {})]);
    if (now < window.opensAt.getTime() || now > window.closesAt.getTime()) {
      const when = { opensAt: window.opensAt.toISOString(), closesAt: window.closesAt.toISOString() };
      throw new RuleViolationError('OUTSIDE_PICK_WINDOW', when, [problem('stageId', 'PICK_WINDOW', when)]);
    }
  }

  /** What the rule decides from, for each unit (all of one stage): its entries with their scores, and what already went up. */
  private async standings(manager: EntityManager, contexts: readonly Context[]): Promise<Standing[]> {
    const stage = contexts[0].stage;
    const unitIds = contexts.map((c) => c.unit.id);
    // The scores are read on the pool: beside the reads on `manager`, even when those run one after the other.
    const [[rowsAt, advanced], scores] = await Promise.all([
      readTogether(manager, [() => this.entries.atUnits(stage.id, unitIds, manager), () => this.repo.advancedFrom(manager, stage.id, unitIds)]),
      stage.judged ? this.scores.scoresAt(stage.id, unitIds) : [],
    ]);
    const fieldOf = await this.entries.fieldCodes(
      advanced.map((a) => a.entryId),
      manager,
    );
    const scoreOf = new Map(scores.map((s) => [s.entryId, s]));
    const alreadyAt = new Map<string, Standing['already']>(unitIds.map((id) => [id, []]));
    for (const a of advanced) alreadyAt.get(a.fromUnitId)!.push({ entryId: a.entryId, fieldCode: fieldOf.get(a.entryId) ?? '' });
    return contexts.map(({ unit }) => {
      const rows = rowsAt.get(unit.id)!;
      const own = rows.flatMap((r) => scoreOf.get(r.entryId) ?? []);
      return { scored: candidates(stage, rows, own), already: alreadyAt.get(unit.id)! };
    });
  }

  /** The selection and every entry's line, pure; picks that break the rule refuse the whole request, naming each. */
  private plan(context: Context, { scored, already }: Standing, entryIds: string[] | undefined): { plan: AdvancementPlan; selected: Candidate[]; already: string[] } {
    const { stage, unit, next, toUnit, rule } = context;
    const alreadyIds = new Set(already.map((a) => a.entryId));
    const byId = new Map(scored.map((c) => [c.entryId, c]));
    const line = (c: Candidate, outcome: AdvancementLine['outcome'], rank: number | null, limit: number | null): AdvancementLine => ({
      entryId: c.entryId,
      reference: c.row.reference,
      title: c.row.title,
      school: c.row.schoolName,
      fieldCode: c.fieldCode,
      score: c.scoreText,
      rank,
      outcome,
      reason: advancementReason(outcome, limit, rank),
    });
    const base = {
      from: { stageId: stage.id, stageName: stage.name, unitId: unit.id, unitName: unit.name },
      to: { stageId: next.id, stageName: next.name, unitId: toUnit.id, unitName: toUnit.name },
      rule,
    };

    if (entryIds !== undefined) {
      const refusals = pickRefusals(entryIds, scored, already, rule);
      if (refusals.length > 0) throw new RuleViolationError('CANNOT_PICK', { why: refusals.map(({ code, params }) => ({ code, params })) }, refusals);
      const picked = new Set(entryIds);
      const selected = entryIds.filter((id) => !alreadyIds.has(id)).map((id) => byId.get(id)!);
      const lines = scored.map((c) => line(c, alreadyIds.has(c.entryId) ? 'already_advanced' : picked.has(c.entryId) ? 'advances' : 'not_picked', null, null));
      return { plan: { ...base, count: null, lines }, selected, already: entryIds.filter((id) => alreadyIds.has(id)) };
    }
    if (rule.kind === 'pick') throw new ValidationError('ENTRY_IDS_FOR_PICK', {}, [problem('entryIds', 'REQUIRED_FOR_PICK', {})]);
    const result = selectForAdvancement(scored, rule, stage.tieBreak, already);
    const selected = result.advancing.map((id) => byId.get(id)!);
    const lines = result.decisions.map((d) => line(byId.get(d.entryId)!, d.outcome, d.rank, d.limit));
    return { plan: { ...base, count: result.count, lines }, selected, already: result.decisions.filter((d) => d.outcome === 'already_advanced').map((d) => d.entryId) };
  }

  /** One digest per school of what this confirmation moved from one unit; the national stage's is a national-selection notice. */
  private digests(context: Context, moved: Candidate[]): MailEvent[] {
    if (moved.length === 0) return [];
    const batch = randomUUID();
    const national = context.toUnit.parentId === null;
    const to = { contestName: context.next.contestName, editionNumber: context.next.editionNumber, seasonLabel: context.next.seasonLabel, stageName: context.next.name, unitName: context.toUnit.name };
    const bySchool = new Map<string, Candidate[]>();
    for (const c of moved) {
      const school = bySchool.get(c.row.schoolId);
      if (school) school.push(c);
      else bySchool.set(c.row.schoolId, [c]);
    }
    return [...bySchool.values()].flatMap((entries): MailEvent[] => {
      const school = { id: entries[0].row.schoolId, name: entries[0].row.schoolName, emails: [...new Set(entries.map((e) => e.row.contactEmail))] };
      const list = entries.map((e) => ({ reference: e.row.reference, title: e.row.title }));
      return national ? nationalSelectionMail(batch, school, to, list) : advancementDigestMail(batch, school, to, list);
    });
  }
}

/** How a unit's refusal is named: as the single call's own, or by the unit's place in a bulk call. */
type Placer = <T>(index: number, work: () => T) => T;

const unplaced: Placer = (_index, work) => work();

/** Runs one unit's part of a bulk call; what refuses it names the unit's place in the list (`units[i].entryIds…`). */
const placedAtUnit: Placer = (index, work) => {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const details = error.details as { problems?: FieldProblem[] };
    const problems = details.problems?.length ? details.problems : [problem('unitId', 'NOT_IN_SCOPE', { what: 'Stage at this unit' })];
    const placed = problems.map((p) => ({ ...p, field: `units[${index}].${p.field}` }));
    throw new DomainError(error.code, error.reason, error.params, { ...details, problems: placed });
  }
};

/** `place` for asynchronous work: a rejection is named as a throw would be. */
async function placeAsync(place: Placer, index: number, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    place(index, () => {
      throw error;
    });
  }
}
