import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EntityManager, In, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AccountReader } from '../accounts/account-reader';
import type { JudgedStage } from '../contests/stage-scores';
import { preparedQuery } from '../core/database/prepared-query';
import { fixedWithParts, SqlPart, withParts } from '../core/database/sql-part';
import { accessCondition, Condition, Permission } from '../core/access/policy';
import type { Actor } from '../core/auth/actor';
import type { PageQuery } from '../core/http/paging';
import { EntryReader, StageEntry } from '../entries/entry-reader';
import { UnitReader } from '../units/unit-reader';
import type { CurrentPair, PanelEntry, PanelJudge, PinnedPair, RecordedConflict } from './assignment';
import type { Lock, PanelReach } from './judging-access';
import { MemberRole, Panel, ScoreSheet, SheetStatus } from './judging.entity';

/** An entry of a panel as the organiser and the chair see it. */
export interface PanelEntryRow extends PanelEntry {
  fieldId: string;
  /** The school or organisation that registered the entry. */
  unitId: string;
  title: string;
  reference: string;
  blindNumber: string;
}

/** Whether an actor organises a panel, and the seat they hold on it now (or null). */
export interface PanelStanding {
  organiser: boolean;
  role: MemberRole | null;
}

export const NO_STANDING: PanelStanding = { organiser: false, role: null };

export interface MemberRow {
  userId: string;
  email: string;
  fullName: string;
  role: 'judge' | 'chair';
  affiliationUnitId: string | null;
  affiliationPath: string | null;
  fieldCodes: string[];
  removed: boolean;
}

/** An entry as a judge sees it: `blind` leaves out whatever names its authors or where it comes from. */
export interface JudgeEntryView {
  entryId: string;
  blindNumber: string;
  title: string;
  summary: string;
  field: { code: string; name: string };
  school: { code: string; name: string } | null;
  authors: Array<{ fullName: string; classOrJob: string | null }> | null;
  files: Array<{ id: string; name: string; mediaType: string; sizeBytes: number }>;
}

/** What the audit trail keeps of a sheet: these properties, from these columns. */
const SNAPSHOT = [
  ['status', 'status'],
  ['points', 'points'],
  ['total', 'total'],
  ['comment', 'comment'],
  ['version', 'version'],
  ['active', 'active'],
] as const satisfies ReadonlyArray<readonly [keyof ScoreSheet, string]>;

/** A sheet as the audit trail keeps it. */
export function sheetSnapshot(sheet: ScoreSheet) {
  return Object.fromEntries(SNAPSHOT.map(([property]) => [property, sheet[property]]));
}

/** The same snapshot, computed in SQL from the score_sheets row `alias`. */
function snapshotSql(alias: string): string {
  return `jsonb_build_object(${SNAPSHOT.map(([property, column]) => `'${property}', ${alias}.${column}`).join(', ')})`;
}

/** A sheet's snapshot under the alias `s`, as the draft save reads and returns it. */
const SHEET_SNAPSHOT = snapshotSql('s');
/** A confirmation's read, put together once: only its parameters change. */
const confirmationRead = fixedWithParts();
/** The draft saves' text, put together once: only its parameters change from one batch to the next. */
const draftSaveStatement = fixedWithParts();

/** The panel as a confirmation checks it: the judge's seat was its condition. */
export type ConfirmingPanel = Pick<Panel, 'id' | 'stageId' | 'unitPath' | 'state' | 'scoringOpensAt' | 'scoringClosesAt' | 'scoreStep'>;

/** An active sheet of the entry being confirmed, as locked. */
export type ConfirmingSheet = Pick<ScoreSheet, 'id' | 'judgeId' | 'status' | 'points' | 'total' | 'comment' | 'version'>;

/** A judge's draft points for their sheet of an entry, as checked against the panel's rules. */
export interface DraftSave {
  panelId: string;
  entryId: string;
  judgeId: string;
  /** The sheet version the judge read. */
  version: number;
  /**
   * False when the points broke the rubric: the statement then only says why else it would refuse, writes nothing,
   * and is not sent the points (whatever they hold).
   */
  valid: boolean;
  points: Record<string, number>;
  /** Hundredths as text ("82.50"), null for no points. */
  total: string | null;
  /** Undefined keeps the sheet's comment. */
  comment: string | null | undefined;
  /** The panel's stage and the rubric the points were checked against (JudgedStages.rubricKey). */
  stageId: string;
  rubric: string;
  /** The panel's unit, where the audit row is filed. */
  unitPath: string;
}

/** What a draft save needs of other modules: the rubric check (JudgedStages) and the audit insertion (AuditService). */
export interface DraftSaveParts {
  /** A boolean SQL expression: the stage `stageId` still has the rubric `rubric` (jsonb). */
  rubricUnchanged: (stageId: string, rubric: string) => string;
  /** The audit INSERT of the rows `rows` yields. */
  audit: (rows: string) => SqlPart;
}

/** What the statement of a draft save found and did. */
export interface DraftOutcome {
  /** The judge sits on the panel and holds an active sheet of the entry. */
  found: boolean;
  sheetId: string | null;
  state: Panel['state'] | null;
  scoringOpensAt: Date | null;
  scoringClosesAt: Date | null;
  /** Open and inside the scoring window. */
  open: boolean;
  readVersion: number | null;
  readStatus: SheetStatus | null;
  rubricUnchanged: boolean;
  written: Pick<ScoreSheet, 'id' | 'status' | 'points' | 'total' | 'comment' | 'version' | 'confirmedAt'> | null;
}

/** A judge's sheet of an entry in a round, to be written. */
export interface SheetPair {
  entryId: string;
  judgeId: string;
  round: number;
}

/** Panels (alias `alias`, columns of `judging_panels`) at or under a unit the actor organises. */
function organisedPanels(alias: string, actor: Actor): Condition {
  return accessCondition(actor.grants, Permission.PanelManage, { path: `${alias}.unit_path` }, 'organisedPanel');
}

/** Rows whose panel (id in column `panelId`) the actor sits on now in one of `roles`. */
function memberPanels(panelId: string, actor: Actor, roles: MemberRole[]): Condition {
  return [
    `EXISTS (SELECT 1 FROM panel_members pm WHERE pm.panel_id = ${panelId} AND pm.user_id = :memberUserId AND pm.removed_at IS NULL AND pm.role IN (:...memberRoles))`,
    { memberUserId: actor.userId, memberRoles: roles },
  ];
}

/** Panels (alias `alias`) the actor reaches as `reach` says (judging-access.ts decides who reaches what). */
function reachCondition(alias: string, actor: Actor, reach: PanelReach): Condition {
  const parts: Condition[] = [];
  if (reach.organisers) parts.push(organisedPanels(alias, actor));
  if (reach.roles.length) parts.push(memberPanels(`${alias}.id`, actor, reach.roles));
  if (parts.length === 0) return ['FALSE', {}];
  return [`(${parts.map(([sql]) => `(${sql})`).join(' OR ')})`, Object.assign({}, ...parts.map(([, params]) => params))];
}

function locked<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, lock: Lock | undefined): SelectQueryBuilder<T> {
  if (lock === 'update') qb.setLock('pessimistic_write');
  if (lock === 'share') qb.setLock('pessimistic_read');
  return qb;
}

/** Every query of judging's own tables; entries, units, accounts and stages are read through their modules' readers. */
@Injectable()
export class JudgingRepository {
  constructor(
    private readonly entryReader: EntryReader,
    private readonly unitReader: UnitReader,
    private readonly accounts: AccountReader,
  ) {}

  /**
   * The entries of a panel: in the panel's stage at the panel's unit, still registered, in one of its fields. The
   * blind number is the entry's rank in an order no one can guess from the entries (md5 of panel and entry ids),
   * the same for every judge of the panel.
   */
  async entries(manager: EntityManager, panel: Pick<Panel, 'id' | 'stageId' | 'unitId' | 'fieldIds'>, stage: Pick<JudgedStage, 'fields'>): Promise<PanelEntryRow[]> {
    const rows = await this.entryReader.inStage(manager, panel.stageId, panel.unitId, panel.fieldIds);
    const codes = new Map(stage.fields.map((f) => [f.id, f.code]));
    const hashed = rows.map((r) => ({ id: r.id, hash: createHash('md5').update(`${panel.id}${r.id}`).digest('hex') })).sort((a, b) => (a.hash < b.hash ? -1 : 1));
    const blind = new Map(hashed.map((h, i) => [h.id, `SBD-${String(i + 1).padStart(4, '0')}`]));
    return rows.map((r) => ({ ...r, fieldCode: codes.get(r.fieldId) ?? '', blindNumber: blind.get(r.id)! }));
  }

  /** The panel if the actor reaches it as `reach` says, optionally locked; null otherwise, as if it were missing. */
  reachablePanel(manager: EntityManager, actor: Actor, panelId: string, reach: PanelReach, lock?: Lock): Promise<Panel | null> {
    const qb = manager
      .createQueryBuilder(Panel, 'p')
      .where('p.id = :panelId', { panelId })
      .andWhere(...reachCondition('p', actor, reach));
    return locked(qb, lock).getOne();
  }

  /** A page of the panels the actor reaches as `reach` says, newest first. */
  reachablePanels(manager: EntityManager, actor: Actor, reach: PanelReach, page: PageQuery): Promise<[Panel[], number]> {
    return manager
      .createQueryBuilder(Panel, 'p')
      .where(...reachCondition('p', actor, reach))
      .orderBy('p.created_at', 'DESC')
      .addOrderBy('p.id')
      .skip((page.page - 1) * page.pageSize)
      .take(page.pageSize)
      .getManyAndCount();
  }

  /** The actor's standing on a panel: whether they organise it, and the seat they hold on it now (or null). */
  async standingOn(manager: EntityManager, actor: Actor, panelId: string): Promise<PanelStanding> {
    return (await this.standingsOn(manager, actor, [panelId])).get(panelId) ?? NO_STANDING;
  }

  /** The actor's standing on each of the panels, in one statement (a page of panels is one read, not one per panel). */
  async standingsOn(manager: EntityManager, actor: Actor, panelIds: string[]): Promise<Map<string, PanelStanding>> {
    if (panelIds.length === 0) return new Map();
    const [scope, params] = organisedPanels('p', actor);
    const rows: Array<{ id: string; organiser: boolean; role: MemberRole | null }> = await manager
      .createQueryBuilder(Panel, 'p')
      .select('p.id', 'id')
      .addSelect(`(${scope})`, 'organiser')
      .addSelect('(SELECT pm.role FROM panel_members pm WHERE pm.panel_id = p.id AND pm.user_id = :me AND pm.removed_at IS NULL)', 'role')
      .where('p.id = ANY(:panelIds)', { panelIds, me: actor.userId, ...params })
      .getRawMany();
    return new Map(rows.map((row) => [row.id, { organiser: Boolean(row.organiser), role: row.role ?? null }]));
  }

  /** The actor's own active sheet for an entry of a panel they judge now, optionally locked; null for any other. */
  assignedSheet(manager: EntityManager, actor: Actor, panelId: string, entryId: string, lock?: Lock): Promise<ScoreSheet | null> {
    const qb = manager
      .createQueryBuilder(ScoreSheet, 's')
      .where('s.panel_id = :panelId AND s.entry_id = :entryId AND s.judge_id = :judgeId AND s.active', { panelId, entryId, judgeId: actor.userId })
      .andWhere(...memberPanels('s.panel_id', actor, ['judge']));
    return locked(qb, lock).getOne();
  }

  /** The panels of a stage at each of these units, by id. */
  async panelsAt(manager: EntityManager, stageId: string, unitIds: readonly string[]): Promise<Panel[]> {
    return manager.find(Panel, { where: { stageId, unitId: In([...unitIds]) }, order: { id: 'ASC' } });
  }

  /** Each panel's registered entries (without blind numbers), all panels of one stage read at once. */
  async entriesOfPanels(manager: EntityManager, stageId: string, panels: ReadonlyArray<Pick<Panel, 'id' | 'unitId' | 'fieldIds'>>): Promise<Map<string, StageEntry[]>> {
    const atUnit = await this.entryReader.inStageAt(manager, stageId, [...new Set(panels.map((p) => p.unitId))], [...new Set(panels.flatMap((p) => p.fieldIds))]);
    return new Map(panels.map((p) => [p.id, atUnit.get(p.unitId)!.filter((e) => p.fieldIds.includes(e.fieldId))]));
  }

  async entry(manager: EntityManager, panel: Pick<Panel, 'id' | 'stageId' | 'unitId' | 'fieldIds'>, stage: Pick<JudgedStage, 'fields'>, entryId: string): Promise<PanelEntryRow | null> {
    return (await this.entries(manager, panel, stage)).find((e) => e.id === entryId) ?? null;
  }

  async members(manager: EntityManager, panelId: string, withRemoved = false): Promise<MemberRow[]> {
    const rows: Array<Record<string, any>> = await manager.query(
      `SELECT user_id, role, affiliation_unit_id, field_codes, removed_at IS NOT NULL AS removed FROM panel_members
        WHERE panel_id = $1 ${withRemoved ? '' : 'AND removed_at IS NULL'}`,
      [panelId],
    );
    const people = await this.accounts.people(
      manager,
      rows.map((r) => r.user_id),
    );
    const paths = await this.unitReader.paths(
      manager,
      rows.filter((r) => r.affiliation_unit_id).map((r) => r.affiliation_unit_id),
    );
    const members: MemberRow[] = rows.map((r) => ({
      userId: r.user_id,
      email: people.get(r.user_id)!.email,
      fullName: people.get(r.user_id)!.fullName,
      role: r.role,
      affiliationUnitId: r.affiliation_unit_id,
      affiliationPath: r.affiliation_unit_id ? (paths.get(r.affiliation_unit_id) ?? null) : null,
      fieldCodes: r.field_codes,
      removed: r.removed,
    }));
    // The chair first, then judges by name, as organisers read a panel's list.
    return members.sort((a, b) => (a.role === b.role ? a.fullName.localeCompare(b.fullName, 'vi') || (a.userId < b.userId ? -1 : 1) : a.role === 'chair' ? -1 : 1));
  }

  /** Judges as the assignment sees them: the removed ones count as gone. */
  judges(members: MemberRow[]): PanelJudge[] {
    return members.filter((m) => m.role === 'judge' && !m.removed).map((m) => ({ id: m.userId, affiliationPath: m.affiliationPath, fieldCodes: m.fieldCodes, active: true }));
  }

  async conflicts(manager: EntityManager, panelId: string): Promise<RecordedConflict[]> {
    const rows: Array<{ judge_id: string; entry_id: string; kind: RecordedConflict['kind'] }> = await manager.query('SELECT judge_id, entry_id, kind FROM judging_conflicts WHERE panel_id = $1', [
      panelId,
    ]);
    return rows.map((r) => ({ judgeId: r.judge_id, entryId: r.entry_id, kind: r.kind }));
  }

  /** What checking points needs of a panel, except the rubric (its stage's); null for no such panel. */
  async scoringRules(manager: EntityManager, panelId: string): Promise<{ stageId: string; unitPath: string; scoreStep: number } | null> {
    const [row]: Array<{ stage_id: string; unit_path: string; score_step: string }> = await manager.query('SELECT stage_id, unit_path, score_step FROM judging_panels WHERE id = $1', [panelId]);
    return row ? { stageId: row.stage_id, unitPath: row.unit_path, scoreStep: Number(row.score_step) } : null;
  }

  async pins(manager: EntityManager, panelId: string): Promise<PinnedPair[]> {
    const rows: Array<{ entry_id: string; judge_id: string }> = await manager.query('SELECT entry_id, judge_id FROM judging_pins WHERE panel_id = $1', [panelId]);
    return rows.map((r) => ({ entryId: r.entry_id, judgeId: r.judge_id }));
  }

  /** The listed entries' pins become exactly `pins` (of those entries); other entries keep theirs. */
  async replacePins(manager: EntityManager, panelId: string, entryIds: string[], pins: PinnedPair[]): Promise<void> {
    await manager.query('DELETE FROM judging_pins WHERE panel_id = $1 AND entry_id = ANY($2)', [panelId, entryIds]);
    if (pins.length === 0) return;
    await manager.query(
      `INSERT INTO judging_pins (panel_id, entry_id, judge_id) SELECT $1, p.entry_id, p.judge_id FROM unnest($2::uuid[], $3::uuid[]) AS p(entry_id, judge_id) ON CONFLICT DO NOTHING`,
      [panelId, pins.map((p) => p.entryId), pins.map((p) => p.judgeId)],
    );
  }

  /**
   * Judges' draft saves in ONE statement, without a transaction of its own, each save handled on its own and
   * answered in their order. It share-locks the panels (in id order; closing waits for the saves, the saves for
   * closing) whose judges sit on them, locks each judge's active sheet of the entry (in sheet id order, so that two
   * statements saving the same sheets cannot deadlock), and writes the points only if the panel is open and in its
   * window, the sheet is at the version the judge read and not confirmed, the points are `valid` and the rubric
   * they were checked against still stands; each write with its audit row (before and after). The sheet's version
   * is checked both as read and as updated, so of two saves of one sheet at one version in the same statement only
   * one is written. Its text never varies (the saves come as arrays), so it is prepared: the hot path of scoring is
   * not parsed and planned again on any save.
   */
  async saveDrafts(manager: EntityManager, saves: DraftSave[], parts: DraftSaveParts): Promise<DraftOutcome[]> {
    const statement = draftSaveStatement(
      [
        [
          'save',
          {
            sql: `SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::boolean[], $6::text[], $7::numeric[], $8::boolean[], $9::text[], $10::uuid[], $11::text[], $12::text[])
                    WITH ORDINALITY AS t(panel_id, entry_id, judge_id, version, valid, points, total, keep_comment, comment, stage_id, rubric, unit_path, n)`,
            params: [
              saves.map((s) => s.panelId),
              saves.map((s) => s.entryId),
              saves.map((s) => s.judgeId),
              saves.map((s) => s.version),
              saves.map((s) => s.valid),
              saves.map((s) => (s.valid ? JSON.stringify(s.points) : '{}')),
              saves.map((s) => s.total),
              saves.map((s) => s.comment === undefined),
              saves.map((s) => s.comment ?? null),
              saves.map((s) => s.stageId),
              saves.map((s) => s.rubric),
              saves.map((s) => s.unitPath),
            ],
          },
        ],
        ['rubric_now', { sql: `SELECT r.stage_id, r.rubric, ${parts.rubricUnchanged('r.stage_id', 'r.rubric::jsonb')} AS unchanged FROM (SELECT DISTINCT stage_id, rubric FROM save) r`, params: [] }],
        [
          'seated',
          {
            sql: `SELECT save.n FROM save
                   WHERE EXISTS (SELECT 1 FROM panel_members m WHERE m.panel_id = save.panel_id AND m.user_id = save.judge_id AND m.role = 'judge' AND m.removed_at IS NULL)`,
            params: [],
          },
        ],
        [
          'panel',
          {
            sql: `SELECT p.id, p.state, p.scoring_opens_at, p.scoring_closes_at, p.state = 'open' AND now() BETWEEN p.scoring_opens_at AND p.scoring_closes_at AS open
                    FROM judging_panels p
                   WHERE p.id IN (SELECT save.panel_id FROM save JOIN seated ON seated.n = save.n)
                   ORDER BY p.id FOR SHARE`,
            params: [],
          },
        ],
        [
          'sheet',
          {
            sql: `SELECT save.n, s.id, s.version, s.status, ${SHEET_SNAPSHOT} AS snapshot
                    FROM save JOIN seated ON seated.n = save.n JOIN panel ON panel.id = save.panel_id
                    JOIN score_sheets s ON s.panel_id = save.panel_id AND s.entry_id = save.entry_id AND s.judge_id = save.judge_id AND s.active
                   ORDER BY s.id FOR NO KEY UPDATE OF s`,
            params: [],
          },
        ],
        [
          'written',
          {
            sql: `UPDATE score_sheets s
                     SET status = 'draft', points = save.points::jsonb, total = save.total, comment = CASE WHEN save.keep_comment THEN s.comment ELSE save.comment END,
                         version = s.version + 1, updated_at = now(), confirmed_at = NULL
                    FROM sheet JOIN save ON save.n = sheet.n JOIN panel ON panel.id = save.panel_id
                    JOIN rubric_now r ON r.stage_id = save.stage_id AND r.rubric = save.rubric
                   WHERE s.id = sheet.id AND sheet.version = save.version AND s.version = save.version AND s.status <> 'confirmed' AND s.active
                     AND panel.open AND save.valid AND r.unchanged
                   RETURNING sheet.n, s.id, s.status, s.points, s.total, s.comment, s.version, s.confirmed_at, ${SHEET_SNAPSHOT} AS snapshot`,
            params: [],
          },
        ],
        [
          'audited',
          parts.audit(
            `SELECT save.judge_id AS actor_id, save.unit_path, w.id::text AS entity_id, sheet.snapshot AS before, w.snapshot AS after
               FROM written w JOIN sheet ON sheet.n = w.n JOIN save ON save.n = w.n`,
          ),
        ],
      ],
      {
        // The window is only told when the panel is not open: two timestamps fewer to parse on every save.
        sql: `SELECT sheet.id AS sheet_id, panel.state, CASE WHEN panel.open THEN NULL ELSE panel.scoring_opens_at END AS scoring_opens_at,
                     CASE WHEN panel.open THEN NULL ELSE panel.scoring_closes_at END AS scoring_closes_at, coalesce(panel.open, false) AS open,
                     sheet.version AS read_version, sheet.status AS read_status, r.unchanged AS rubric_unchanged,
                     w.id AS written_id, w.status, w.points, w.total, w.comment, w.version, w.confirmed_at
                FROM save LEFT JOIN panel ON panel.id = save.panel_id LEFT JOIN sheet ON sheet.n = save.n
                LEFT JOIN rubric_now r ON r.stage_id = save.stage_id AND r.rubric = save.rubric LEFT JOIN written w ON w.n = save.n
               ORDER BY save.n`,
        params: [],
      },
    );
    const rows = await preparedQuery<Record<string, any>>(manager, statement.sql, statement.params);
    return rows.map((row) => ({
      found: row.sheet_id !== null,
      sheetId: row.sheet_id,
      state: row.state,
      scoringOpensAt: row.scoring_opens_at,
      scoringClosesAt: row.scoring_closes_at,
      open: row.open,
      readVersion: row.read_version,
      readStatus: row.read_status,
      rubricUnchanged: row.rubric_unchanged,
      written: row.written_id
        ? {
            id: row.written_id,
            status: row.status,
            points: row.points,
            total: row.total === null ? null : Number(row.total),
            comment: row.comment,
            version: row.version,
            confirmedAt: row.confirmed_at,
          }
        : null,
    }));
  }

  /** Waits for, then holds until commit, the lock under which panels of one stage and unit are formed. */
  async lockPanelForming(manager: EntityManager, stageId: string, unitId: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`panel:${stageId}:${unitId}`]);
  }

  /** The names of the stage's panels at the unit that already score one of `fieldIds`. */
  async panelsTakingFields(manager: EntityManager, stageId: string, unitId: string, fieldIds: string[]): Promise<string[]> {
    const rows: Array<{ name: string }> = await manager.query('SELECT name FROM judging_panels WHERE stage_id = $1 AND unit_id = $2 AND field_ids && $3::uuid[]', [stageId, unitId, fieldIds]);
    return rows.map((r) => r.name);
  }

  /** Records (or rewrites the kind and note of) a conflict an organiser names between a judge and an entry. */
  async recordConflict(manager: EntityManager, panelId: string, judgeId: string, entryId: string, kind: RecordedConflict['kind'], note: string | null): Promise<void> {
    await manager.query(
      `INSERT INTO judging_conflicts (panel_id, judge_id, entry_id, kind, note) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (panel_id, judge_id, entry_id) DO UPDATE SET kind = EXCLUDED.kind, note = EXCLUDED.note`,
      [panelId, judgeId, entryId, kind, note],
    );
  }

  /** Records a conflict the judge declares with an entry, over any conflict recorded of the pair before. */
  async declareConflict(manager: EntityManager, panelId: string, judgeId: string, entryId: string, note: string): Promise<void> {
    await manager.query(
      `INSERT INTO judging_conflicts (panel_id, judge_id, entry_id, kind, note) VALUES ($1, $2, $3, 'declared', $4)
         ON CONFLICT (panel_id, judge_id, entry_id) DO UPDATE SET kind = 'declared', note = EXCLUDED.note`,
      [panelId, judgeId, entryId, note],
    );
  }

  /** Takes the sheets out of counting, bumping their versions. */
  async deactivateSheets(manager: EntityManager, sheetIds: string[]): Promise<void> {
    await manager.query('UPDATE score_sheets SET active = false, version = version + 1, updated_at = now() WHERE id = ANY($1)', [sheetIds]);
  }

  /** Takes the listed entries' counting sheets of the panel out of counting, bumping their versions. */
  async deactivateEntrySheets(manager: EntityManager, panelId: string, entryIds: string[]): Promise<void> {
    await manager.query('UPDATE score_sheets SET active = false, version = version + 1, updated_at = now() WHERE panel_id = $1 AND entry_id = ANY($2::uuid[]) AND active', [panelId, entryIds]);
  }

  /** Gives each pair a counting sheet in its round, bringing back (version bumped) a sheet the pair held before. */
  async assignSheets(manager: EntityManager, panelId: string, pairs: ReadonlyArray<SheetPair>): Promise<void> {
    await manager.query(
      `INSERT INTO score_sheets (panel_id, entry_id, judge_id, round)
         SELECT $1, a.entry_id, a.judge_id, a.round FROM unnest($2::uuid[], $3::uuid[], $4::int[]) AS a(entry_id, judge_id, round)
         ON CONFLICT (panel_id, entry_id, judge_id) DO UPDATE SET active = true, version = score_sheets.version + 1, updated_at = now()`,
      [panelId, pairs.map((a) => a.entryId), pairs.map((a) => a.judgeId), pairs.map((a) => a.round)],
    );
  }

  /** Gives each pair a new sheet in its round; a pair that held a sheet before fails the statement. */
  async insertSheets(manager: EntityManager, panelId: string, pairs: ReadonlyArray<SheetPair>): Promise<void> {
    await manager.query(
      `INSERT INTO score_sheets (panel_id, entry_id, judge_id, round)
         SELECT $1, a.entry_id, a.judge_id, a.round FROM unnest($2::uuid[], $3::uuid[], $4::int[]) AS a(entry_id, judge_id, round)`,
      [panelId, pairs.map((p) => p.entryId), pairs.map((p) => p.judgeId), pairs.map((p) => p.round)],
    );
  }

  /** Gives one judge a counting sheet of an entry in `round`, bringing back (version bumped) one they held before. */
  async assignSheet(manager: EntityManager, panelId: string, entryId: string, judgeId: string, round: number): Promise<void> {
    await manager.query(
      `INSERT INTO score_sheets (panel_id, entry_id, judge_id, round) VALUES ($1, $2, $3, $4)
           ON CONFLICT (panel_id, entry_id, judge_id) DO UPDATE SET active = true, version = score_sheets.version + 1, updated_at = now()`,
      [panelId, entryId, judgeId, round],
    );
  }

  /**
   * Writes a sheet's status, points, total (hundredths as text) and comment if it is still at `version`, stamping
   * its confirmation when confirmed; null when the sheet had moved on.
   */
  async writeSheet(
    manager: EntityManager,
    sheetId: string,
    version: number,
    change: { status: SheetStatus; points: Record<string, number>; total: string | null; comment: string | null },
  ): Promise<{ version: number; confirmedAt: Date | null } | null> {
    // An UPDATE answers [rows, count] through TypeORM.
    const [rows]: [Array<{ version: number; confirmed_at: Date | null }>, number] = await manager.query(
      `UPDATE score_sheets SET status = $3, points = $4::jsonb, total = $5::numeric, comment = $6, version = version + 1, updated_at = now(),
              confirmed_at = CASE WHEN $3 = 'confirmed' THEN now() ELSE NULL END
        WHERE id = $1 AND version = $2 RETURNING version, confirmed_at`,
      [sheetId, version, change.status, JSON.stringify(change.points), change.total, change.comment],
    );
    return rows.length ? { version: rows[0].version, confirmedAt: rows[0].confirmed_at } : null;
  }

  /**
   * What a judge's confirmation decides from, in one statement: the panel if the judge sits on it (share-locked,
   * null otherwise), the stage's row as `stage` reads it (contests' part), and the entry's active sheets of that
   * panel locked in id order, so that confirmations of one entry follow each other.
   */
  async confirmationState(
    manager: EntityManager,
    at: { panelId: string; judgeId: string; entryId: string },
    stage: SqlPart,
  ): Promise<{ panel: ConfirmingPanel | null; stage: Record<string, any> | null; sheets: ConfirmingSheet[] }> {
    const statement = confirmationRead(
      [
        [
          'panel',
          {
            sql: `SELECT p.id, p.stage_id, p.unit_path, p.state, p.scoring_opens_at, p.scoring_closes_at, p.score_step FROM judging_panels p
                   WHERE p.id = $1 AND EXISTS (SELECT 1 FROM panel_members pm WHERE pm.panel_id = p.id AND pm.user_id = $2 AND pm.removed_at IS NULL AND pm.role = 'judge')
                     FOR SHARE`,
            params: [at.panelId, at.judgeId],
          },
        ],
        ['stage', stage],
        [
          'sheets',
          {
            sql: `SELECT s.id, s.judge_id, s.status, s.points, s.total, s.comment, s.version FROM score_sheets s
                   WHERE s.panel_id = (SELECT id FROM panel) AND s.entry_id = $1 AND s.active ORDER BY s.id FOR UPDATE`,
            params: [at.entryId],
          },
        ],
      ],
      {
        sql: `SELECT (SELECT row_to_json(panel) FROM panel) AS panel, (SELECT row_to_json(stage) FROM stage) AS stage,
                     (SELECT coalesce(json_agg(sheets ORDER BY sheets.id), '[]') FROM sheets) AS sheets`,
        params: [],
      },
    );
    const [row] = await preparedQuery<{ panel: Record<string, any> | null; stage: Record<string, any> | null; sheets: Array<Record<string, any>> }>(manager, statement.sql, statement.params);
    const panel = row.panel && {
      id: row.panel.id,
      stageId: row.panel.stage_id,
      unitPath: row.panel.unit_path,
      state: row.panel.state,
      scoringOpensAt: new Date(row.panel.scoring_opens_at),
      scoringClosesAt: new Date(row.panel.scoring_closes_at),
      scoreStep: Number(row.panel.score_step),
    };
    const sheets = row.sheets.map((r) => ({
      id: r.id,
      judgeId: r.judge_id,
      status: r.status,
      points: r.points,
      total: r.total === null ? null : Number(r.total),
      comment: r.comment,
      version: r.version,
    }));
    return { panel, stage: row.stage, sheets };
  }

  /**
   * A judge's confirmation written in one statement: the sheet (at the version read, its total from its points),
   * its audit row (before and after as the update saw them), and `with` (the stage's scored mark, a flag and its
   * audit row, as the caller decided). Null when the sheet was no longer at that version.
   */
  async confirmSheet(
    manager: EntityManager,
    sheet: { id: string; version: number; total: string | null; actorId: string; unitPath: string },
    audit: (rows: string) => SqlPart,
    withWrites: Array<[name: string, part: SqlPart]>,
  ): Promise<{ version: number; confirmedAt: Date; flagged: boolean } | null> {
    const statement = withParts(
      [
        [
          'sheet',
          {
            sql: `SELECT s.id, ${SHEET_SNAPSHOT} AS snapshot, $3::uuid AS actor_id, $4::text AS unit_path FROM score_sheets s WHERE s.id = $1 AND s.version = $2`,
            params: [sheet.id, sheet.version, sheet.actorId, sheet.unitPath],
          },
        ],
        [
          'written',
          {
            sql: `UPDATE score_sheets s SET status = 'confirmed', total = $1::numeric, version = s.version + 1, updated_at = now(), confirmed_at = now()
                    FROM sheet WHERE s.id = sheet.id RETURNING s.id, s.version, s.confirmed_at, ${SHEET_SNAPSHOT} AS snapshot`,
            params: [sheet.total],
          },
        ],
        ['audited', audit('SELECT sheet.actor_id, sheet.unit_path, w.id::text AS entity_id, sheet.snapshot AS before, w.snapshot AS after FROM written w, sheet')],
        ...withWrites,
      ],
      { sql: `SELECT w.version, w.confirmed_at, ${withWrites.some(([name]) => name === 'flagged') ? 'EXISTS (SELECT 1 FROM flagged)' : 'false'} AS flagged FROM written w`, params: [] },
    );
    const [row] = await preparedQuery<{ version: number; confirmed_at: Date; flagged: boolean }>(manager, statement.sql, statement.params);
    return row ? { version: row.version, confirmedAt: row.confirmed_at, flagged: row.flagged } : null;
  }

  /** A flag on the entry's scores with their spread (hundredths as text), unless one is open already: a part of a confirmation's statement, named `flagged` (its row when raised). */
  flagRaising(panelId: string, entryId: string, spread: string): SqlPart {
    return {
      sql: `INSERT INTO score_flags (panel_id, entry_id, spread) VALUES ($1, $2, $3) ON CONFLICT (panel_id, entry_id) WHERE status = 'open' DO NOTHING RETURNING id`,
      params: [panelId, entryId, spread],
    };
  }

  /** The entry's open flag, locked until commit; null when none is open. */
  async lockOpenFlag(manager: EntityManager, panelId: string, entryId: string): Promise<{ id: string; spread: string } | null> {
    const [flag]: Array<{ id: string; spread: string }> = await manager.query(`SELECT id, spread FROM score_flags WHERE panel_id = $1 AND entry_id = $2 AND status = 'open' FOR UPDATE`, [
      panelId,
      entryId,
    ]);
    return flag ?? null;
  }

  /** Marks the flag settled by `settledBy`, now, with the chair's action and note. */
  async settleFlag(manager: EntityManager, flagId: string, settlement: string, note: string, settledBy: string): Promise<void> {
    await manager.query(`UPDATE score_flags SET status = 'settled', settlement = $2, note = $3, settled_by = $4, settled_at = now() WHERE id = $1`, [flagId, settlement, note, settledBy]);
  }

  /** The sheet's version now, after a write that found it changed. */
  async sheetVersion(manager: EntityManager, sheetId: string): Promise<number> {
    const [row]: Array<{ version: number }> = await manager.query('SELECT version FROM score_sheets WHERE id = $1', [sheetId]);
    return row.version;
  }

  async sheets(manager: EntityManager, panelId: string): Promise<ScoreSheet[]> {
    return manager.find(ScoreSheet, { where: { panelId }, order: { entryId: 'ASC', judgeId: 'ASC' } });
  }

  /** The active, confirmed sheets of these panels: what a stage's scores count. */
  async confirmedSheets(manager: EntityManager, panelIds: readonly string[]): Promise<ScoreSheet[]> {
    if (panelIds.length === 0) return [];
    return manager.find(ScoreSheet, { where: { panelId: In([...panelIds]), active: true, status: 'confirmed' }, order: { entryId: 'ASC', judgeId: 'ASC' } });
  }

  /** Locks the entry's counting sheets in one order, so confirmations of one entry follow each other. */
  async lockEntrySheets(manager: EntityManager, panelId: string, entryId: string): Promise<ScoreSheet[]> {
    return manager
      .createQueryBuilder(ScoreSheet, 's')
      .where('s.panel_id = :panelId AND s.entry_id = :entryId AND s.active', { panelId, entryId })
      .orderBy('s.id')
      .setLock('pessimistic_write')
      .getMany();
  }

  async openFlagEntries(manager: EntityManager, panelId: string): Promise<Set<string>> {
    const rows: Array<{ entry_id: string }> = await manager.query(`SELECT entry_id FROM score_flags WHERE panel_id = $1 AND status = 'open'`, [panelId]);
    return new Set(rows.map((r) => r.entry_id));
  }

  async flags(manager: EntityManager, panelId: string): Promise<Array<{ id: string; entryId: string; status: string; spread: number; settlement: string | null; note: string | null }>> {
    const rows: Array<Record<string, any>> = await manager.query('SELECT id, entry_id, status, spread, settlement, note FROM score_flags WHERE panel_id = $1 ORDER BY raised_at, id', [panelId]);
    return rows.map((r) => ({ id: r.id, entryId: r.entry_id, status: r.status, spread: Number(r.spread), settlement: r.settlement, note: r.note }));
  }

  /** The entry with its dossier, for a judge; `blind` drops authors, school and file names. */
  async judgeEntryView(manager: EntityManager, blind: boolean, entry: PanelEntryRow, field: { code: string; name: string }): Promise<JudgeEntryView> {
    const dossier = (await this.entryReader.dossier(manager, entry.id))!;
    return {
      entryId: entry.id,
      blindNumber: entry.blindNumber,
      title: entry.title,
      summary: dossier.summary,
      field,
      school: blind ? null : dossier.school,
      authors: blind ? null : dossier.authors,
      files: dossier.files.map((file, i) => (blind ? { ...file, name: blindFileName(entry.blindNumber, i, file.name) } : file)),
    };
  }

  /**
   * Claims the open panels whose reminder is due at `now` and not yet sent for their current closing time, marking it
   * sent; rows another transaction is claiming are skipped, so each panel is claimed once.
   */
  async claimDueReminders(manager: EntityManager, now: Date, limit: number): Promise<Array<{ id: string; name: string; scoringClosesAt: Date }>> {
    const [rows]: [Array<{ id: string; name: string; scoring_closes_at: Date }>, number] = await manager.query(
      `UPDATE judging_panels p SET reminded_for = p.scoring_closes_at
        WHERE p.id IN (SELECT id FROM judging_panels
                        WHERE state = 'open' AND reminded_for IS DISTINCT FROM scoring_closes_at
                          AND scoring_closes_at > $1 AND scoring_opens_at <= $1 AND scoring_closes_at - make_interval(hours => reminder_lead_hours) <= $1
                        ORDER BY scoring_closes_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING p.id, p.name, p.scoring_closes_at`,
      [now, limit],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, scoringClosesAt: r.scoring_closes_at }));
  }

  /** The panel's seated judges with sheets not confirmed yet: how many of their counting sheets are open, of how many. */
  async unconfirmedByJudge(manager: EntityManager, panelId: string): Promise<Array<{ judgeId: string; unconfirmed: number; assigned: number }>> {
    const rows: Array<{ judge_id: string; unconfirmed: number; assigned: number }> = await manager.query(
      `SELECT s.judge_id, count(*) FILTER (WHERE s.status <> 'confirmed')::int AS unconfirmed, count(*)::int AS assigned
         FROM score_sheets s JOIN panel_members m ON m.panel_id = s.panel_id AND m.user_id = s.judge_id AND m.role = 'judge' AND m.removed_at IS NULL
        WHERE s.panel_id = $1 AND s.active
        GROUP BY s.judge_id HAVING count(*) FILTER (WHERE s.status <> 'confirmed') > 0
        ORDER BY s.judge_id`,
      [panelId],
    );
    return rows.map((r) => ({ judgeId: r.judge_id, unconfirmed: r.unconfirmed, assigned: r.assigned }));
  }

  people(manager: EntityManager, userIds: string[]) {
    return this.accounts.people(manager, userIds);
  }

  /** Of these accounts, the active ones holding some grant at or under `unitPath`: whom an organiser may seat on a panel there. */
  accountsUnder(manager: EntityManager, userIds: readonly string[], unitPath: string) {
    return this.accounts.activeUnderMany(manager, userIds, unitPath);
  }

  unit(manager: EntityManager, unitId: string) {
    return this.unitReader.active(manager, unitId);
  }

  /** Of these units, the ids of those in use (not retired). */
  async activeUnitIds(manager: EntityManager, unitIds: readonly string[]): Promise<Set<string>> {
    const units = await this.unitReader.withRetirement(unitIds, manager);
    return new Set([...units.values()].filter((u) => !u.retired).map((u) => u.id));
  }

  /**
   * Seats these members on the panel in one statement: new ones inserted, removed ones seated again with their new
   * role, affiliation and fields. The caller has refused anyone already seated, under the panel's lock.
   */
  async seatMembers(manager: EntityManager, panelId: string, members: ReadonlyArray<{ userId: string; role: MemberRole; affiliationUnitId: string | null; fieldCodes: string[] }>): Promise<void> {
    await manager.query(
      `INSERT INTO panel_members (panel_id, user_id, role, affiliation_unit_id, field_codes)
       SELECT $1, m."userId", m.role, m."affiliationUnitId", m."fieldCodes" FROM jsonb_to_recordset($2::jsonb) AS m("userId" uuid, role text, "affiliationUnitId" uuid, "fieldCodes" text[])
       ON CONFLICT (panel_id, user_id) DO UPDATE SET role = EXCLUDED.role, affiliation_unit_id = EXCLUDED.affiliation_unit_id, field_codes = EXCLUDED.field_codes, removed_at = NULL`,
      [panelId, JSON.stringify(members)],
    );
  }

  /** A file of an entry's dossier, opened for reading, with its place among the entry's files (for its blind name). */
  async dossierFile(manager: EntityManager, entryId: string, fileId: string) {
    const dossier = await this.entryReader.dossier(manager, entryId);
    const index = dossier?.files.findIndex((f) => f.id === fileId) ?? -1;
    if (index < 0) return null;
    const content = await this.entryReader.dossierFile(manager, entryId, fileId);
    return content && { ...content, index };
  }
}

/** What a blind stage calls a dossier file: the entry's blind number and the file's place, with its extension. */
export function blindFileName(blindNumber: string, index: number, name: string): string {
  return `${blindNumber}-tep-${index + 1}${extension(name)}`;
}

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && name.length - dot <= 6 ? name.slice(dot).toLowerCase() : '';
}
