/**
 * Validation and planning of a unit-tree import (code, name, level, parent code), as plain data:
 * the whole file is checked against the levels and the units it names before anything is written,
 * and a clean file becomes an ordered list of writes. No framework imports.
 */
import type { FieldProblem } from '../core/errors/domain-error';
import { excerpt } from '../core/errors/problem-list';
import type { Table } from '../core/spreadsheet';
import { searchKey } from '../core/text';
import { codeProblem, LevelRule, nameProblem, placementProblem } from './unit-rules';

export const IMPORT_COLUMNS = ['code', 'name', 'level', 'parent_code'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** Header spellings accepted per column, compared without case, diacritics, blanks or dashes. */
const COLUMN_ALIASES: Record<ImportColumn, string[]> = {
  code: ['code', 'unit_code', 'ma', 'ma_don_vi'],
  name: ['name', 'unit_name', 'ten', 'ten_don_vi'],
  level: ['level', 'level_code', 'cap', 'cap_don_vi'],
  parent_code: ['parent_code', 'parent', 'ma_cap_tren', 'ma_don_vi_cap_tren', 'ma_don_vi_cha'],
};

function headerKey(header: string): string {
  return searchKey(header).replace(/[\s-]+/g, '_');
}

function columnFor(header: string): ImportColumn | undefined {
  const key = headerKey(header);
  return IMPORT_COLUMNS.find((column) => COLUMN_ALIASES[column].includes(key));
}

/** Renames the recognised headers (English or Vietnamese) to the canonical column names. */
export function canonicalTable(table: Table): { table: Table; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const sourceOf = new Map<ImportColumn, string>();
  const headers = table.headers.map((header) => {
    const column = columnFor(header);
    if (!column) return header;
    const earlier = sourceOf.get(column);
    if (earlier !== undefined) {
      problems.push({ row: 1, field: column, reason: `given twice, as "${earlier}" and as "${header}"` });
      return header;
    }
    sourceOf.set(column, header);
    return column;
  });
  const rows = table.rows.map(({ row, values }) => ({
    row,
    values: Object.fromEntries([...sourceOf].map(([column, header]) => [column, values[header] ?? ''])),
  }));
  return { table: { headers, rows }, problems };
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
 */
export function planImport(rows: ImportRow[], levels: LevelRule[], known: KnownUnit[]): ImportOutcome {
  const findLevel = levelFinder(levels);
  const levelByCode = new Map(levels.map((level) => [level.code, level]));
  const knownByCode = new Map(known.map((unit) => [unit.code, unit]));
  const problems: FieldProblem[] = [];
  const report = (row: ImportRow, field: ImportColumn, reason: string) => problems.push({ row: row.row, field, reason });

  const firstRowOf = new Map<string, ImportRow>();
  const levelOf = new Map<ImportRow, LevelRule>();
  for (const row of rows) {
    const badCode = codeProblem(row.code);
    const first = firstRowOf.get(row.code);
    if (badCode) report(row, 'code', badCode);
    else if (first) report(row, 'code', `${row.code} already appears on row ${first.row}`);
    else firstRowOf.set(row.code, row);

    const badName = nameProblem(row.name);
    if (badName) report(row, 'name', badName);

    const level = findLevel(row.level);
    if (!level) {
      report(row, 'level', row.level === '' ? 'must not be empty' : `unknown level "${excerpt(row.level)}"; known levels: ${levels.map((l) => l.code).join(', ')}`);
      continue;
    }
    levelOf.set(row, level);
    const existing = knownByCode.get(row.code);
    if (existing && existing.levelCode !== level.code) {
      report(row, 'level', `${row.code} is already a ${levelByCode.get(existing.levelCode)?.name ?? existing.levelCode}; an import cannot change a unit's level`);
    }
  }

  for (const row of rows) {
    const level = levelOf.get(row);
    if (row.parentCode === '') {
      const reason = level && placementProblem({ level, active: true, parent: null });
      if (reason) report(row, 'parent_code', reason);
      continue;
    }
    if (row.parentCode === row.code) {
      report(row, 'parent_code', 'a unit cannot be its own parent');
      continue;
    }
    const parentRow = firstRowOf.get(row.parentCode);
    const parentKnown = knownByCode.get(row.parentCode);
    if (!parentRow && !parentKnown) {
      report(row, 'parent_code', `no unit ${excerpt(row.parentCode)} in the file or in the database`);
      continue;
    }
    if (!level) continue;
    // A parent row with an unknown level is reported on its own row; its children cannot be judged.
    const parentLevel = parentRow ? levelOf.get(parentRow) : levelByCode.get(parentKnown!.levelCode);
    if (!parentLevel) continue;
    const reason = placementProblem({
      level,
      active: !knownByCode.get(row.code)?.retired,
      parent: { code: row.parentCode, level: parentLevel, retired: parentKnown?.retired ?? false },
    });
    if (reason) report(row, 'parent_code', reason);
  }

  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => a.row! - b.row!) };
  return { ok: true, plan: plan(rows, levelOf, knownByCode) };
}

function plan(rows: ImportRow[], levelOf: Map<ImportRow, LevelRule>, knownByCode: Map<string, KnownUnit>): ImportPlan {
  const batchOf = new Map<number, ImportBatch>();
  const batch = (rank: number) => batchOf.get(rank) ?? batchOf.set(rank, { rank, creates: [], moves: [] }).get(rank)!;
  const updates: PlannedUpdate[] = [];
  let created = 0;
  let unchanged = 0;
  for (const row of rows) {
    const level = levelOf.get(row)!;
    const unit: PlannedUnit = { row: row.row, code: row.code, name: row.name, levelCode: level.code, parentCode: row.parentCode || null };
    const existing = knownByCode.get(row.code);
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
