import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { UnitView } from '../units/unit-reader';
import type { PrizeListPhase } from './results.entity';
import type { PrizeAggregate } from './season-report';

export type { StageView as StageRow } from '../contests/stage-reader';
export type { UnitView as UnitRow } from '../units/unit-reader';
export type { StageEntry as StageEntryRow } from '../entries/stage-entries';

export interface VersionRow {
  id: string;
  prizeListId: string;
  version: number;
  phase: PrizeListPhase;
  objectionEndsAt: Date | null;
  reason: string | null;
  publishedAt: Date;
  levels: unknown;
}

export interface ItemRow {
  entryId: string;
  position: number;
  rank: number | null;
  score: string | null;
  prizeCode: string | null;
  prizeName: string | null;
  prizeMoney: number;
  fieldCode: string;
  fieldName: string;
  reference: string;
  title: string;
  authors: string;
  schoolName: string;
  districtName: string | null;
  reason: unknown;
}

export interface NewItem extends Omit<ItemRow, 'position'> {
  position: number;
}

const ITEM_COLUMNS = `entry_id AS "entryId", position, rank, trim_scale(score)::text AS score, prize_code AS "prizeCode", prize_name AS "prizeName", prize_money::float8 AS "prizeMoney",
  field_code AS "fieldCode", field_name AS "fieldName", reference, title, authors, school_name AS "schoolName", district_name AS "districtName", reason`;
const VERSION_COLUMNS = `id, prize_list_id AS "prizeListId", version, phase, objection_ends_at AS "objectionEndsAt", reason, published_at AS "publishedAt", levels`;

/** Every query of the results domain, over its own tables only: entries, units and stages come through their readers. */
@Injectable()
export class ResultsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  get manager(): EntityManager {
    return this.db.manager;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  // Prize lists

  /** The list of a stage at a unit, locked until the transaction ends, so versions are numbered one at a time. */
  async lockList(manager: EntityManager, stageId: string, unitId: string): Promise<{ id: string } | null> {
    const rows = await manager.query('SELECT id FROM prize_lists WHERE stage_id = $1 AND unit_id = $2 FOR UPDATE', [stageId, unitId]);
    return rows[0] ?? null;
  }

  async lockListById(manager: EntityManager, id: string): Promise<{ id: string; stageId: string; unitId: string; unitPath: string } | null> {
    const rows = await manager.query(`SELECT id, stage_id AS "stageId", unit_id AS "unitId", unit_path AS "unitPath" FROM prize_lists WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ?? null;
  }

  /** Creates the list, or finds the one a concurrent first publication just created (then locked). */
  async createList(manager: EntityManager, stageId: string, unit: UnitView): Promise<{ id: string; created: boolean }> {
    const rows = await manager.query(`INSERT INTO prize_lists (stage_id, unit_id, unit_path) VALUES ($1, $2, $3) ON CONFLICT (stage_id, unit_id) DO NOTHING RETURNING id`, [
      stageId,
      unit.id,
      unit.path,
    ]);
    if (rows[0]) return { id: rows[0].id, created: true };
    return { id: (await this.lockList(manager, stageId, unit.id))!.id, created: false };
  }

  async latestVersion(manager: EntityManager, listId: string): Promise<VersionRow | null> {
    const rows = await manager.query(`SELECT ${VERSION_COLUMNS} FROM prize_list_versions WHERE prize_list_id = $1 ORDER BY version DESC LIMIT 1`, [listId]);
    return rows[0] ?? null;
  }

  async versions(listId: string): Promise<VersionRow[]> {
    return this.db.query(`SELECT ${VERSION_COLUMNS} FROM prize_list_versions WHERE prize_list_id = $1 ORDER BY version`, [listId]);
  }

  async insertVersion(
    manager: EntityManager,
    version: { prizeListId: string; version: number; phase: PrizeListPhase; objectionEndsAt: Date | null; reason: string | null; publishedBy: string; levels: unknown },
  ): Promise<VersionRow> {
    const rows = await manager.query(
      `INSERT INTO prize_list_versions (prize_list_id, version, phase, objection_ends_at, reason, published_by, levels) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${VERSION_COLUMNS}`,
      [version.prizeListId, version.version, version.phase, version.objectionEndsAt, version.reason, version.publishedBy, JSON.stringify(version.levels)],
    );
    return rows[0];
  }

  /** One statement however long the list: arrays unnested into rows. */
  async insertItems(manager: EntityManager, versionId: string, items: NewItem[]): Promise<void> {
    if (items.length === 0) return;
    const col = <K extends keyof NewItem>(key: K) => items.map((i) => i[key]);
    await manager.query(
      `INSERT INTO prize_list_items (version_id, entry_id, position, rank, score, prize_code, prize_name, prize_money, field_code, field_name, reference, title, authors, school_name, district_name, reason)
       SELECT $1, i.* FROM unnest($2::uuid[], $3::int[], $4::int[], $5::numeric[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::jsonb[]) AS i`,
      [
        versionId,
        col('entryId'),
        col('position'),
        col('rank'),
        col('score'),
        col('prizeCode'),
        col('prizeName'),
        col('prizeMoney'),
        col('fieldCode'),
        col('fieldName'),
        col('reference'),
        col('title'),
        col('authors'),
        col('schoolName'),
        col('districtName'),
        items.map((i) => JSON.stringify(i.reason)),
      ],
    );
  }

  async copyItems(manager: EntityManager, fromVersionId: string, toVersionId: string): Promise<void> {
    await manager.query(
      `INSERT INTO prize_list_items (version_id, entry_id, position, rank, score, prize_code, prize_name, prize_money, field_code, field_name, reference, title, authors, school_name, district_name, reason)
       SELECT $2, entry_id, position, rank, score, prize_code, prize_name, prize_money, field_code, field_name, reference, title, authors, school_name, district_name, reason
         FROM prize_list_items WHERE version_id = $1`,
      [fromVersionId, toVersionId],
    );
  }

  async items(versionId: string, awardedOnly: boolean, manager = this.db.manager): Promise<ItemRow[]> {
    return manager.query(`SELECT ${ITEM_COLUMNS} FROM prize_list_items WHERE version_id = $1 AND ($2 = false OR prize_code IS NOT NULL) ORDER BY position`, [versionId, awardedOnly]);
  }

  /** A published list with its stage and unit, for public reading: only lists that exist have been published. */
  async listAt(stageId: string, unitId: string): Promise<{ id: string } | null> {
    const rows = await this.db.query('SELECT id FROM prize_lists WHERE stage_id = $1 AND unit_id = $2', [stageId, unitId]);
    return rows[0] ?? null;
  }

  async publishedList(id: string): Promise<{ id: string; stageId: string; unitId: string; unitPath: string } | null> {
    const rows = await this.db.query(`SELECT id, stage_id AS "stageId", unit_id AS "unitId", unit_path AS "unitPath" FROM prize_lists WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** The entries of a version and whether each was awarded: who hears that the list is out. */
  async versionEntries(manager: EntityManager, versionId: string): Promise<Array<{ entryId: string; awarded: boolean }>> {
    return manager.query(`SELECT entry_id AS "entryId", prize_code IS NOT NULL AS awarded FROM prize_list_items WHERE version_id = $1`, [versionId]);
  }

  /** Results' copies of unit paths (prize lists, pick windows) follow a moved subtree. Paths hold only ids and slashes. */
  async followUnitMove(manager: EntityManager, fromPath: string, toPath: string): Promise<void> {
    for (const table of ['prize_lists', 'pick_windows']) {
      await manager.query(`UPDATE ${table} SET unit_path = $2 || substr(unit_path, $3) WHERE unit_path LIKE $1`, [`${fromPath}%`, toPath, fromPath.length + 1]);
    }
  }

  // Advancement

  /**
   * Serialises advancement from one stage at each of these units: the quota check and the move see the same state.
   * The locks are taken in unit id order, so two calls over overlapping units cannot deadlock.
   */
  async lockAdvancementSources(manager: EntityManager, stageId: string, unitIds: readonly string[]): Promise<void> {
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('advance:' || $1 || ':' || u.id, 0))
         FROM (SELECT DISTINCT id FROM unnest($2::text[]) AS id ORDER BY id OFFSET 0) u`,
      [stageId, unitIds],
    );
  }

  /** Entries already sent up from this stage at each of these units. */
  async advancedFrom(manager: EntityManager, stageId: string, unitIds: readonly string[]): Promise<Array<{ entryId: string; fromUnitId: string }>> {
    return manager.query(`SELECT entry_id AS "entryId", from_unit_id AS "fromUnitId" FROM advancements WHERE from_stage_id = $1 AND from_unit_id = ANY($2::uuid[])`, [stageId, unitIds]);
  }

  /** Records the moves an entries-side move made (each entry once: the unique (entry, to stage) key). */
  async recordAdvancements(
    manager: EntityManager,
    move: { fromStageId: string; toStageId: string; rule: string; actorId: string },
    rows: Array<{ entryId: string; fromUnitId: string; toUnitId: string; score: string | null; rank: number | null }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    const col = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((r) => r[key]);
    await manager.query(
      `INSERT INTO advancements (entry_id, from_stage_id, from_unit_id, to_stage_id, to_unit_id, score, rank, rule, actor_id)
       SELECT r.entry_id, $6, r.from_unit_id, $7, r.to_unit_id, r.score, r.rank, $8, $9
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::numeric[], $5::int[]) AS r(entry_id, from_unit_id, to_unit_id, score, rank)
       ON CONFLICT (entry_id, to_stage_id) DO NOTHING`,
      [col('entryId'), col('fromUnitId'), col('toUnitId'), col('score'), col('rank'), move.fromStageId, move.toStageId, move.rule, move.actorId],
    );
  }

  async upsertPickWindow(manager: EntityManager, window: { stageId: string; unit: UnitView; opensAt: Date; closesAt: Date; setBy: string }): Promise<{ before: unknown }> {
    const before = await manager.query(`SELECT opens_at AS "opensAt", closes_at AS "closesAt" FROM pick_windows WHERE stage_id = $1 AND unit_id = $2 FOR UPDATE`, [window.stageId, window.unit.id]);
    await manager.query(
      `INSERT INTO pick_windows (stage_id, unit_id, unit_path, opens_at, closes_at, set_by) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (stage_id, unit_id) DO UPDATE SET opens_at = EXCLUDED.opens_at, closes_at = EXCLUDED.closes_at, set_by = EXCLUDED.set_by`,
      [window.stageId, window.unit.id, window.unit.path, window.opensAt, window.closesAt, window.setBy],
    );
    return { before: before[0] ?? null };
  }

  /** The windows set at or above a school for a stage, nearest unit first: the nearest one rules. */
  async pickWindowsFor(stageId: string, schoolPath: string): Promise<Array<{ opensAt: Date; closesAt: Date }>> {
    return this.db.query(`SELECT opens_at AS "opensAt", closes_at AS "closesAt" FROM pick_windows WHERE stage_id = $1 AND $2 LIKE unit_path || '%' ORDER BY length(unit_path) DESC`, [
      stageId,
      schoolPath,
    ]);
  }

  /** Who sent entries up to a stage, and to whom: the pairs a scope check needs (a few per unit). */
  async selectionRoutes(stageId: string): Promise<Array<{ fromUnitId: string; toUnitId: string }>> {
    return this.db.query(`SELECT DISTINCT from_unit_id AS "fromUnitId", to_unit_id AS "toUnitId" FROM advancements WHERE to_stage_id = $1`, [stageId]);
  }

  /** Entries sent up to a stage from these units, best rank first per unit, at most `limit`. */
  async selections(stageId: string, fromUnitIds: readonly string[], limit: number) {
    return this.db.query(
      `SELECT entry_id AS "entryId", from_unit_id AS "fromUnitId", trim_scale(score)::text AS score, rank, rule, advanced_at AS "advancedAt"
         FROM advancements WHERE to_stage_id = $1 AND from_unit_id = ANY($2) ORDER BY from_unit_id, rank NULLS LAST, entry_id LIMIT $3`,
      [stageId, fromUnitIds, limit],
    ) as Promise<Array<{ entryId: string; fromUnitId: string; score: string | null; rank: number | null; rule: string; advancedAt: Date }>>;
  }

  // History

  /** At each stage an entry left or was listed at: its score as it left, and its line on the latest published list there. */
  async entryResults(entryId: string) {
    return this.db.query(
      `SELECT es.stage_id AS "stageId", trim_scale(COALESCE(item.score, out.score))::text AS score, item.prize_code AS "prizeCode", item.prize_name AS "prizeName",
              item.version AS "prizeListVersion", item.phase AS "prizeListPhase", (out.entry_id IS NOT NULL) AS "advanced"
         FROM (SELECT from_stage_id AS stage_id FROM advancements WHERE entry_id = $1
               UNION SELECT pl.stage_id FROM prize_list_items i JOIN prize_list_versions v ON v.id = i.version_id JOIN prize_lists pl ON pl.id = v.prize_list_id WHERE i.entry_id = $1) es
         LEFT JOIN advancements out ON out.entry_id = $1 AND out.from_stage_id = es.stage_id
         LEFT JOIN LATERAL (
           SELECT i.score, i.prize_code, i.prize_name, v.version, v.phase FROM prize_lists pl
             JOIN prize_list_versions v ON v.prize_list_id = pl.id
             JOIN prize_list_items i ON i.version_id = v.id AND i.entry_id = $1
            WHERE pl.stage_id = es.stage_id ORDER BY v.version DESC LIMIT 1
         ) item ON TRUE`,
      [entryId],
    ) as Promise<
      Array<{ stageId: string; score: string | null; prizeCode: string | null; prizeName: string | null; prizeListVersion: number | null; prizeListPhase: PrizeListPhase | null; advanced: boolean }>
    >;
  }

  // Season report: aggregates only, never the entries themselves.

  /**
   * Prizes on the latest published version of every list of these stages run at or under `unitPath`, by stage,
   * level and field; and, of lists run above it, the awarded entries (a few), for the caller to keep those under it.
   */
  async reportPrizes(stageIds: readonly string[], unitPath: string): Promise<{ under: PrizeAggregate[]; above: Array<PrizeAggregate & { entryId: string }> }> {
    const latest = `SELECT pl.stage_id, pl.unit_path, i.entry_id, i.prize_code, i.prize_name, i.field_code, i.field_name, i.prize_money
         FROM prize_lists pl
         JOIN LATERAL (SELECT v.id FROM prize_list_versions v WHERE v.prize_list_id = pl.id ORDER BY v.version DESC LIMIT 1) v ON TRUE
         JOIN prize_list_items i ON i.version_id = v.id AND i.prize_code IS NOT NULL
        WHERE pl.stage_id = ANY($1)`;
    const [under, above] = await Promise.all([
      this.db.query(
        `SELECT stage_id AS "stageId", prize_code AS "prizeCode", prize_name AS "prizeName", field_code AS "fieldCode", field_name AS "fieldName",
                count(*)::int AS count, sum(prize_money)::float8 AS "prizeMoney"
           FROM (${latest} AND pl.unit_path LIKE $2) l GROUP BY stage_id, prize_code, prize_name, field_code, field_name`,
        [stageIds, `${unitPath}%`],
      ),
      this.db.query(
        `SELECT stage_id AS "stageId", entry_id AS "entryId", prize_code AS "prizeCode", prize_name AS "prizeName", field_code AS "fieldCode", field_name AS "fieldName",
                1 AS count, prize_money::float8 AS "prizeMoney"
           FROM (${latest} AND $2 LIKE pl.unit_path || '%' AND pl.unit_path <> $2) l`,
        [stageIds, unitPath],
      ),
    ]);
    return { under, above };
  }
}
