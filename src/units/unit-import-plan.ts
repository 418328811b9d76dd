/**
 * Validation and planning of a unit-tree import (code, name, level, parent code), as plain data:
 * the whole file is checked against the levels and the units it names before anything is written,
 * and a clean file becomes an ordered list of writes. No framework imports.
 */
import { FieldProblem, problemOf, Reason, reason } from '../core/errors/domain-error';
import { excerpt } from '../core/errors/problem-list';
import type { Table } from '../core/spreadsheet';
import { byAliases, canonicalHeaders } from '../core/headers';
import { searchKey } from '../core/text';
import { codeKey, codeProblem, LevelRule, nameProblem, placementProblem } from './unit-rules';

export const IMPORT_COLUMNS = ['code', 'name', 'level', 'parent_code'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** Header spellings accepted per column besides its own name (what the units export writes among them). */
const COLUMN_ALIASES: Record<ImportColumn, string[]> = {
  code: ['unit_code', 'mã', 'mã đơn vị'],
  name: ['unit_name', 'tên', 'tên đơn vị'],
  level: ['level_code', 'cấp', 'cấp đơn vị'],
  parent_code: ['parent', 'mã cấp trên', 'mã đơn vị cấp trên', 'mã đơn vị cha'],
};

/** Renames the recognised headers (English or Vietnamese, as exported) to the canonical column names. */
export function canonicalTable(table: Table): { table: Table; problems: FieldProblem[] } {
  return canonicalHeaders(table, byAliases(COLUMN_ALIASES));
}

export interface ImportRow {
  /** Row number in the file as the user sees it (header is row 1). */
  row: number;
  code: string;
  name: string;
  /** Level code or name as written in the file. */
  level: string;
  /** Empty for a root. */
  parentCode: string;
}

export function importRows(table: Table): ImportRow[] {
  return table.rows.map(({ row, values }) => ({
    row,
    code: values.code ?? '',
    name: values.name ?? '',
    level: values.level ?? '',
    parentCode: values.parent_code ?? '',
  }));
}

/** A unit already in the database that the file names, as a code or as a parent code. */
export interface KnownUnit {
  code: string;
  name: string;
  levelCode: string;
  parentCode: string | null;
  retired: boolean;
}

export interface PlannedUnit {
  row: number;
  code: string;
  name: string;
  levelCode: string;
  parentCode: string | null;
}

export interface PlannedUpdate extends PlannedUnit {
  before: { name: string; parentCode: string | null };
  renamed: boolean;
  moved: boolean;
}

/** Writes for one level rank; run batches in order, so every parent is in place before its children. */
export interface ImportBatch {
  rank: number;
  creates: PlannedUnit[];
  moves: PlannedUpdate[];
}

export interface ImportPlan {
  batches: ImportBatch[];
  /** Every existing unit whose name or parent changes. */
  updates: PlannedUpdate[];
  created: number;
  updated: number;
  unchanged: number;
  total: number;
}

export type ImportOutcome = { ok: true; plan: ImportPlan } | { ok: false; problems: FieldProblem[] };

/** Finds a level by code or by name, ignoring case and diacritics ("school", "Trường"). */
function levelFinder(levels: LevelRule[]): (written: string) => LevelRule | undefined {
  const byKey = new Map<string, LevelRule>();
  for (const level of levels) byKey.set(searchKey(level.name), level);
  for (const level of levels) byKey.set(searchKey(level.code), level);
  return (written) => byKey.get(searchKey(written));
}

/**
 * Checks every row (so the report lists every bad row at once) and, when none is bad, plans the
 * writes: new codes are created, known codes renamed or moved when their name or parent differs.
 * Codes are matched without case: `st-ks` in a file is the unit ST-KS, and keeps that spelling.
 */
export function planImport(rows: ImportRow[], levels: LevelRule[], known: KnownUnit[]): ImportOutcome {
  const findLevel = levelFinder(levels);
  const levelByCode = new Map(levels.map((level) => [level.code, level]));
  const knownByKey = new Map(known.map((unit) => [codeKey(unit.code), unit]));
  const problems: FieldProblem[] = [];
  const report = (row: ImportRow, field: ImportColumn, why: Reason) => problems.push(problemOf(field, why, row.row));

  const firstRowOf = new Map<string, ImportRow>();
  const levelOf = new Map<ImportRow, LevelRule>();
  for (const row of rows) {
    const badCode = codeProblem(row.code);
    const first = firstRowOf.get(codeKey(row.code));
    if (badCode) report(row, 'code', badCode);
    else if (first) report(row, 'code', reason('UNIT_CODE_REPEATED', { code: row.code, firstRow: first.row, ...(first.code === row.code ? {} : { as: first.code }) }));
    else firstRowOf.set(codeKey(row.code), row);

    const badName = nameProblem(row.name);
    if (badName) report(row, 'name', badName);

    const level = findLevel(row.level);
    if (!level) {
      report(row, 'level', row.level === '' ? reason('FIELD_EMPTY', {}) : reason('UNKNOWN_LEVEL_CELL', { level: excerpt(row.level), levels: levels.map((l) => l.code) }));
      continue;
    }
    levelOf.set(row, level);
    const existing = knownByKey.get(codeKey(row.code));
    if (existing && existing.levelCode !== level.code) {
      report(row, 'level', reason('LEVEL_CHANGE_REFUSED', { code: row.code, level: levelByCode.get(existing.levelCode)?.name ?? existing.levelCode }));
    }
  }

  for (const row of rows) {
    const level = levelOf.get(row);
    if (row.parentCode === '') {
      const misplaced = level && placementProblem({ level, active: true, parent: null });
      if (misplaced) report(row, 'parent_code', misplaced);
      continue;
    }
    if (codeKey(row.parentCode) === codeKey(row.code)) {
      report(row, 'parent_code', reason('UNIT_OWN_PARENT', {}));
      continue;
    }
    const parentRow = firstRowOf.get(codeKey(row.parentCode));
    const parentKnown = knownByKey.get(codeKey(row.parentCode));
    if (!parentRow && !parentKnown) {
      report(row, 'parent_code', reason('NO_PARENT_UNIT', { parentCode: excerpt(row.parentCode) }));
      continue;
    }
    if (!level) continue;
    // A parent row with an unknown level is reported on its own row; its children cannot be judged.
    const parentLevel = parentRow ? levelOf.get(parentRow) : levelByCode.get(parentKnown!.levelCode);
    if (!parentLevel) continue;
    const misplaced = placementProblem({
      level,
      active: !knownByKey.get(codeKey(row.code))?.retired,
      parent: { code: row.parentCode, level: parentLevel, retired: parentKnown?.retired ?? false },
    });
    if (misplaced) report(row, 'parent_code', misplaced);
  }

  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => a.row! - b.row!) };
  // One spelling per unit from here on: the database's for a known unit, else its row's.
  const spelling = (code: string) => knownByKey.get(codeKey(code))?.code ?? firstRowOf.get(codeKey(code))?.code ?? code;
  return { ok: true, plan: plan(rows, levelOf, knownByKey, spelling) };
}

function plan(rows: ImportRow[], levelOf: Map<ImportRow, LevelRule>, knownByKey: Map<string, KnownUnit>, spelling: (code: string) => string): ImportPlan {
  const batchOf = new Map<number, ImportBatch>();
  const batch = (rank: number) => batchOf.get(rank) ?? batchOf.set(rank, { rank, creates: [], moves: [] }).get(rank)!;
  const updates: PlannedUpdate[] = [];
  let created = 0;
  let unchanged = 0;
  for (const row of rows) {
    const level = levelOf.get(row)!;
    const unit: PlannedUnit = { row: row.row, code: spelling(row.code), name: row.name, levelCode: level.code, parentCode: row.parentCode ? spelling(row.parentCode) : null };
    const existing = knownByKey.get(codeKey(row.code));
    if (!existing) {
      batch(level.rank).creates.push(unit);
      created += 1;
      continue;
    }
    const renamed = existing.name !== unit.name;
    const moved = existing.parentCode !== unit.parentCode;
    if (!renamed && !moved) {
      unchanged += 1;
      continue;
    }
    const update: PlannedUpdate = { ...unit, before: { name: existing.name, parentCode: existing.parentCode }, renamed, moved };
    updates.push(update);
    if (moved) batch(level.rank).moves.push(update);
  }
  const batches = [...batchOf.values()].sort((a, b) => a.rank - b.rank);
  return { batches, updates, created, updated: updates.length, unchanged, total: rows.length };
}
