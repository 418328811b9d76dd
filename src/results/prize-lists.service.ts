import { Inject, Injectable } from '@nestjs/common';
import type { PrizeScheme } from '../contests/edition.types';
import { Actor } from '../core/auth/actor';
import { AuditService } from '../core/audit/audit.service';
import { ConflictError, NotFoundError, problem, RuleViolationError } from '../core/errors/domain-error';
import { DownloadFile, SPREADSHEET_TYPES, SpreadsheetFormat } from '../core/http/file-download';
import { OutboxService } from '../core/outbox/outbox.service';
import { toCsv, toXlsx } from '../core/spreadsheet';
import { allocatePrizes } from './allocation';
import { PreviewEntryView, PrizeListPreview, PublicPrizeList } from './dto/results.dto';
import { exportLines, inPrizeOrder, levelTotals, PRIZE_LIST_COLUMNS, ReasonSteps, reasonText } from './prize-list-view';
import { requireOrganiserAt } from './results-access';
import { prizeListPublishedMail } from '../core/outbox/mail-catalogue';
import { NewItem, ResultsRepository, StageRow, UnitRow, VersionRow } from './results.repository';
import { candidates } from './stage-candidates';
import { STAGE_SCORE_READER, StageScoreReader } from './stage-scores';
import type { EntityManager } from 'typeorm';
import { StageReader } from '../contests/stage-reader';
import { resultsActionProblem } from '../contests/edition-lifecycle';
import { StageEntries } from '../entries/stage-entries';
import { UnitReader } from '../units/unit-reader';

const DAY = 24 * 3600 * 1000;

/** Prize lists: the organiser previews, publishes provisionally, makes final and corrects; anyone reads what is published. */
@Injectable()
export class PrizeListsService {
  constructor(
    private readonly repo: ResultsRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    @Inject(STAGE_SCORE_READER) private readonly scores: StageScoreReader,
    private readonly stages: StageReader,
    private readonly units: UnitReader,
    private readonly entries: StageEntries,
  ) {}

  /** What the list would be now, every entry with its reason. Writes nothing. */
  async preview(actor: Actor, stageId: string, unitId: string): Promise<PrizeListPreview> {
    const { stage, unit, scheme } = await this.stageInScope(actor, stageId, unitId);
    const computed = await this.compute(stage, unit, scheme);
    return { stage: { id: stage.id, name: stage.name }, unit: { id: unit.id, name: unit.name }, levels: computed.levels, entries: computed.items as PreviewEntryView[] };
  }

  /** The first publication: provisional, open to objections for `objectionDays`. */
  async publishProvisional(actor: Actor, stageId: string, unitId: string, objectionDays: number): Promise<PublicPrizeList> {
    const { stage, unit, scheme } = await this.stageInScope(actor, stageId, unitId);
    requirePublishable(stage);
    const computed = await this.compute(stage, unit, scheme);
    const listId = await this.repo.transaction(async (manager) => {
      const list = await this.repo.createList(manager, stage.id, unit);
      if (!list.created) throw new ConflictError('PRIZE_LIST_PUBLISHED', {}, { prizeListId: list.id });
      const version = await this.repo.insertVersion(manager, {
        prizeListId: list.id,
        version: 1,
        phase: 'provisional',
        objectionEndsAt: new Date(Date.now() + objectionDays * DAY),
        reason: null,
        publishedBy: actor.userId,
        levels: computed.levels,
      });
      await this.repo.insertItems(manager, version.id, computed.items);
      await this.announce(manager, actor, stage, unit, version, null);
      return list.id;
    });
    return this.read(listId);
  }

  /** The list published for a stage at a unit, latest version: how an organiser finds it again to finalise or correct. */
  async published(actor: Actor, stageId: string, unitId: string): Promise<PublicPrizeList> {
    await this.stageInScope(actor, stageId, unitId);
    const list = await this.repo.listAt(stageId, unitId);
    if (!list) throw new NotFoundError('Prize list');
    return this.read(list.id);
  }

  /** After the objection window: the provisional list, unchanged, becomes the final one (a new version). */
  async finalise(actor: Actor, listId: string): Promise<PublicPrizeList> {
    await this.repo.transaction(async (manager) => {
      const { stage, unit, latest } = await this.lockedInScope(manager, actor, listId);
      requirePublishable(stage);
      if (latest.phase === 'final') throw new RuleViolationError('PRIZE_LIST_ALREADY_FINAL', {}, [problem('phase', 'LATEST_ALREADY_FINAL', {})]);
      if (latest.objectionEndsAt && latest.objectionEndsAt.getTime() > Date.now()) {
        const until = latest.objectionEndsAt.toISOString();
        throw new RuleViolationError('OBJECTION_WINDOW_OPEN', { until }, [problem('objectionEndsAt', 'OBJECTION_WINDOW_UNTIL', { until })]);
      }
      const version = await this.repo.insertVersion(manager, {
        prizeListId: listId,
        version: latest.version + 1,
        phase: 'final',
        objectionEndsAt: null,
        reason: null,
        publishedBy: actor.userId,
        levels: latest.levels,
      });
      await this.repo.copyItems(manager, latest.id, version.id);
      await this.announce(manager, actor, stage, unit, version, latest);
    });
    return this.read(listId);
  }

  /** Recomputes from the current scores and publishes a new version, in the phase of the latest, with the reason. */
  async correct(actor: Actor, listId: string, reason: string): Promise<PublicPrizeList> {
    const list = await this.repo.publishedList(listId);
    if (!list) throw new NotFoundError('Prize list');
    const { stage, unit, scheme } = await this.stageInScope(actor, list.stageId, list.unitId);
    requirePublishable(stage);
    const computed = await this.compute(stage, unit, scheme);
    await this.repo.transaction(async (manager) => {
      const { latest } = await this.lockedInScope(manager, actor, listId);
      const version = await this.repo.insertVersion(manager, {
        prizeListId: listId,
        version: latest.version + 1,
        phase: latest.phase,
        objectionEndsAt: latest.objectionEndsAt,
        reason,
        publishedBy: actor.userId,
        levels: computed.levels,
      });
      await this.repo.insertItems(manager, version.id, computed.items);
      await this.announce(manager, actor, stage, unit, version, latest);
    });
    return this.read(listId);
  }

  /** A published version (the latest by default), awarded entries only, in prize order, with money per level. */
  async read(listId: string, versionNumber?: number): Promise<PublicPrizeList> {
    const list = await this.repo.publishedList(listId);
    if (!list) throw new NotFoundError('Prize list');
    const versions = await this.repo.versions(listId);
    const version = versionNumber === undefined ? versions.at(-1) : versions.find((v) => v.version === versionNumber);
    if (!version) throw new NotFoundError('Prize list version');
    const [stage, unit] = await Promise.all([this.stages.stage(list.stageId), this.units.unit(list.unitId)]);
    // The version's own levels, not the stage's current scheme: a published version reads as it was published.
    const stored = version.levels as Array<{ level: string; name: string }>;
    const levels = [...new Map(stored.map((l) => [l.level, { code: l.level, name: l.name }])).values()];
    const order = levels.map((l) => l.code);
    const items = inPrizeOrder(await this.repo.items(version.id, true), order);
    return {
      id: listId,
      contest: { name: stage!.contestName, editionNumber: stage!.editionNumber, seasonLabel: stage!.seasonLabel },
      stage: { id: stage!.id, name: stage!.name },
      unit: { id: list.unitId, name: unit!.name },
      version: version.version,
      phase: version.phase,
      objectionEndsAt: version.objectionEndsAt,
      reason: version.reason,
      publishedAt: version.publishedAt,
      versions: versions.map((v) => ({ version: v.version, phase: v.phase, reason: v.reason, publishedAt: v.publishedAt })),
      entries: items.map((i) => ({
        prize: i.prizeName!,
        prizeCode: i.prizeCode!,
        rank: i.rank,
        reference: i.reference,
        title: i.title,
        authors: i.authors,
        school: i.schoolName,
        district: i.districtName,
        field: i.fieldName,
        score: i.score,
        prizeMoney: i.prizeMoney,
      })),
      totals: levelTotals(items, levels),
    };
  }

  async export(listId: string, versionNumber: number | undefined, format: SpreadsheetFormat): Promise<DownloadFile> {
    const list = await this.read(listId, versionNumber);
    const rows = list.entries.map((e) => ({
      rank: e.rank,
      score: e.score,
      prizeCode: e.prizeCode,
      prizeName: e.prize,
      prizeMoney: e.prizeMoney,
      reference: e.reference,
      title: e.title,
      authors: e.authors,
      schoolName: e.school,
      districtName: e.district,
      fieldCode: '',
      fieldName: e.field,
    }));
    const lines = exportLines(rows, list.totals);
    const content = format === 'csv' ? toCsv(PRIZE_LIST_COLUMNS, lines) : await toXlsx('Danh sách đạt giải', PRIZE_LIST_COLUMNS, lines);
    return { content, fileName: `danh-sach-dat-giai-v${list.version}.${format}`, mediaType: SPREADSHEET_TYPES[format] };
  }

  private async stageInScope(actor: Actor, stageId: string, unitId: string): Promise<{ stage: StageRow; unit: UnitRow; scheme: PrizeScheme }> {
    const [stage, unit] = await Promise.all([this.stages.stage(stageId), this.units.unit(unitId)]);
    if (!stage || !unit || unit.levelCode !== stage.levelCode) throw new NotFoundError('Stage at this unit');
    requireOrganiserAt(actor, unit.path, 'Stage at this unit');
    if (!stage.prizeScheme || stage.prizeScheme.levels.length === 0) {
      throw new RuleViolationError('STAGE_AWARDS_NO_PRIZES', { stage: stage.name }, [problem('stageId', 'NO_PRIZES_SHORT', {})]);
    }
    return { stage, unit, scheme: stage.prizeScheme };
  }

  private async lockedInScope(manager: EntityManager, actor: Actor, listId: string): Promise<{ stage: StageRow; unit: UnitRow; latest: VersionRow }> {
    const list = await this.repo.lockListById(manager, listId);
    if (!list) throw new NotFoundError('Prize list');
    requireOrganiserAt(actor, list.unitPath, 'Prize list');
    const stage = (await this.stages.stage(list.stageId, manager))!;
    const unit = (await this.units.unit(list.unitId, manager))!;
    return { stage, unit, latest: (await this.repo.latestVersion(manager, listId))! };
  }

  /** Ranks and allocates through the one allocation module, then dresses each entry for the list. */
  private async compute(stage: StageRow, unit: UnitRow, scheme: PrizeScheme): Promise<{ items: NewItem[]; levels: unknown }> {
    // Two reads, one per domain, side by side.
    const [rows, scores] = await Promise.all([this.entries.at(stage.id, unit.id), stage.judged ? this.scores.scoresAt(stage.id, [unit.id]) : []]);
    const scored = candidates(stage, rows, scores);
    const list = allocatePrizes(scored, stage.tieBreak, scheme);
    const byId = new Map(scored.map((c) => [c.entryId, c]));
    const levelOf = new Map(scheme.levels.map((l) => [l.code, l]));
    const names = new Map(scheme.levels.map((l) => [l.code, l.name]));
    const steps: ReasonSteps = new Map();
    const items = list.entries.map((e, position): NewItem => {
      const { row, scoreText } = byId.get(e.entryId)!;
      const level = e.prize ? levelOf.get(e.prize)! : null;
      return {
        entryId: e.entryId,
        position: position + 1,
        rank: e.rank,
        score: scoreText,
        prizeCode: level?.code ?? null,
        prizeName: level?.name ?? null,
        prizeMoney: level?.prizeMoney ?? 0,
        fieldCode: row.fieldCode,
        fieldName: row.fieldName,
        reference: row.reference,
        title: row.title,
        authors: row.authors,
        schoolName: row.schoolName,
        districtName: row.districtName,
        reason: {
          text: reasonText(e, names, steps),
          rank: e.rank,
          fieldRank: e.fieldRank,
          tieGroup: e.tieGroup,
          tieGroupSize: e.tieGroupSize,
          decidedBy: e.decidedBy,
          decisions: e.decisions,
        },
      };
    });
    return { items, levels: list.levels.map((l) => ({ ...l, name: names.get(l.level) ?? l.level })) };
  }

  /** The schools with entries on a version, each with its contact addresses and how many it won: who hears that the list is out. */
  private async schoolsOf(manager: EntityManager, versionId: string): Promise<Array<{ schoolId: string; schoolName: string; emails: string[]; awarded: number }>> {
    const items = await this.repo.versionEntries(manager, versionId);
    const awarded = new Set(items.filter((i) => i.awarded).map((i) => i.entryId));
    const schools = new Map<string, { schoolId: string; schoolName: string; emails: string[]; awarded: number }>();
    for (const c of await this.entries.contacts(
      manager,
      items.map((i) => i.entryId),
    )) {
      const school = schools.get(c.schoolId) ?? { schoolId: c.schoolId, schoolName: c.schoolName, emails: [], awarded: 0 };
      if (!school.emails.includes(c.email)) school.emails.push(c.email);
      if (awarded.has(c.entryId)) school.awarded += 1;
      schools.set(c.schoolId, school);
    }
    return [...schools.values()];
  }

  /** Audit and notify one publication, in its transaction. */
  private async announce(manager: EntityManager, actor: Actor, stage: StageRow, unit: UnitRow, version: VersionRow, before: VersionRow | null): Promise<void> {
    const summary = (v: VersionRow) => ({ version: v.version, phase: v.phase, objectionEndsAt: v.objectionEndsAt, reason: v.reason });
    await this.audit.record(manager, actor, {
      action: before === null ? 'prize-list.publish' : version.phase === before.phase ? 'prize-list.correct' : 'prize-list.finalise',
      entityType: 'prize-list',
      entityId: version.prizeListId,
      unitPath: unit.path,
      before: before ? summary(before) : null,
      after: summary(version),
    });
    const schools = await this.schoolsOf(manager, version.id);
    await this.outbox.add(
      manager,
      schools.flatMap((school) =>
        prizeListPublishedMail(version.id, school, {
          contestName: stage.contestName,
          editionNumber: stage.editionNumber,
          seasonLabel: stage.seasonLabel,
          stageName: stage.name,
          unitName: unit.name,
          prizeListId: version.prizeListId,
          version: version.version,
          phase: version.phase,
          objectionEndsAt: version.objectionEndsAt,
        }),
      ),
    );
  }
}

/** A prize list is published (provisional, final, corrected) only while the edition's lifecycle allows it. */
function requirePublishable(stage: StageRow): void {
  const why = resultsActionProblem('publish', stage.editionState, stage.editionArchived);
  if (why) throw new RuleViolationError(why.code, why.params, [problem('editionState', 'EDITION_STATE', { state: stage.editionState })]);
}
