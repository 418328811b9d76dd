import fc from 'fast-check';
import { canonicalTable, ImportPlan, ImportRow, importRows, KnownUnit, planImport } from './unit-import-plan';
import { LevelRule } from './unit-rules';

const LEVELS: LevelRule[] = [
  { code: 'nation', name: 'Toàn quốc', rank: 0, isLeaf: false },
  { code: 'province', name: 'Tỉnh', rank: 1, isLeaf: false },
  { code: 'district', name: 'Huyện', rank: 2, isLeaf: false },
  { code: 'school', name: 'Trường', rank: 3, isLeaf: true },
];

const KNOWN: KnownUnit[] = [
  { code: 'VN', name: 'Việt Nam', levelCode: 'nation', parentCode: null, retired: false },
  { code: 'ST', name: 'Sóc Trăng', levelCode: 'province', parentCode: 'VN', retired: false },
  { code: 'ST-KS', name: 'Huyện Kế Sách', levelCode: 'district', parentCode: 'ST', retired: false },
  { code: 'ST-MT', name: 'Thị xã Ngã Năm', levelCode: 'district', parentCode: 'ST', retired: false },
  { code: 'ST-KS-01', name: 'Trường THCS Kế Sách', levelCode: 'school', parentCode: 'ST-KS', retired: false },
  { code: 'ST-OLD', name: 'Huyện cũ', levelCode: 'district', parentCode: 'ST', retired: true },
];

let nextRow = 2;
function row(code: string, name: string, level: string, parentCode = ''): ImportRow {
  return { row: nextRow++, code, name, level, parentCode };
}
beforeEach(() => {
  nextRow = 2;
});

function planned(rows: ImportRow[], known: KnownUnit[] = KNOWN): ImportPlan {
  const outcome = planImport(rows, LEVELS, known);
  if (!outcome.ok) throw new Error(`unexpected problems: ${JSON.stringify(outcome.problems)}`);
  return outcome.plan;
}

function problemsOf(rows: ImportRow[], known: KnownUnit[] = KNOWN) {
  const outcome = planImport(rows, LEVELS, known);
  if (outcome.ok) throw new Error('expected the file to be refused');
  return outcome.problems;
}

describe('canonicalTable', () => {
  it('accepts English and Vietnamese headers in any case and with diacritics', () => {
    const { table, problems } = canonicalTable({
      headers: ['mã', 'tên đơn vị', 'cấp', 'mã cấp trên', 'ghi chú'],
      rows: [{ row: 2, values: { mã: 'ST-KS-03', 'tên đơn vị': 'Trường A', cấp: 'school', 'mã cấp trên': 'ST-KS', 'ghi chú': 'x' } }],
    });
    expect(problems).toEqual([]);
    expect(table.headers).toEqual(['code', 'name', 'level', 'parent_code', 'ghi chú']);
    expect(importRows(table)).toEqual([{ row: 2, code: 'ST-KS-03', name: 'Trường A', level: 'school', parentCode: 'ST-KS' }]);
  });

  it('reads "Parent Code" and "parent-code" as parent_code', () => {
    expect(canonicalTable({ headers: ['parent code'], rows: [] }).table.headers).toEqual(['parent_code']);
    expect(canonicalTable({ headers: ['parent-code'], rows: [] }).table.headers).toEqual(['parent_code']);
  });

  it('reports a column given twice under two spellings', () => {
    const { problems } = canonicalTable({ headers: ['code', 'mã', 'name', 'level', 'parent_code'], rows: [] });
    expect(problems).toEqual([expect.objectContaining({ row: 1, field: 'code', code: 'COLUMN_TWICE', reason: 'given twice, as "code" and as "mã"' })]);
  });

  it('leaves missing columns empty so that missingColumns can name them', () => {
    const { table } = canonicalTable({ headers: ['code', 'name'], rows: [{ row: 2, values: { code: 'A', name: 'B' } }] });
    expect(table.headers).toEqual(['code', 'name']);
    expect(importRows(table)[0]).toMatchObject({ level: '', parentCode: '' });
  });
});

describe('planImport', () => {
  it('creates a new subtree given children before parents, parents first in the plan', () => {
    const plan = planned([row('ST-CT-01', 'Trường THCS Châu Thành', 'school', 'ST-CT'), row('ST-CT-02', 'Trường TH Phú Tâm', 'school', 'ST-CT'), row('ST-CT', 'Huyện Châu Thành', 'district', 'ST')]);
    expect(plan).toMatchObject({ created: 3, updated: 0, unchanged: 0, total: 3 });
    expect(plan.batches.map((b) => [b.rank, b.creates.map((c) => c.code)])).toEqual([
      [2, ['ST-CT']],
      [3, ['ST-CT-01', 'ST-CT-02']],
    ]);
    expect(plan.batches[1].creates[0]).toEqual({ row: 2, code: 'ST-CT-01', name: 'Trường THCS Châu Thành', levelCode: 'school', parentCode: 'ST-CT' });
  });

  it('finds levels by name as well as code, ignoring case and diacritics', () => {
    const plan = planned([row('ST-CT', 'Huyện Châu Thành', 'HUYEN', 'ST'), row('ST-CT-01', 'Trường A', 'trường', 'ST-CT'), row('ST-CT-02', 'Trường B', 'School', 'ST-CT')]);
    expect(plan.batches.flatMap((b) => b.creates.map((c) => c.levelCode))).toEqual(['district', 'school', 'school']);
  });

  it('leaves identical units alone and counts them', () => {
    const plan = planned(KNOWN.filter((u) => !u.retired).map((u) => row(u.code, u.name, u.levelCode, u.parentCode ?? '')));
    expect(plan).toEqual({ batches: [], updates: [], created: 0, updated: 0, unchanged: 5, total: 5 });
  });

  it('renames and moves known units, and only moves go into the ordered batches', () => {
    const plan = planned([row('ST-KS', 'Huyện Kế Sách mới', 'district', 'ST'), row('ST-KS-01', 'Trường THCS Kế Sách', 'school', 'ST-MT')]);
    expect(plan).toMatchObject({ created: 0, updated: 2, unchanged: 0 });
    expect(plan.updates).toEqual([
      expect.objectContaining({ code: 'ST-KS', renamed: true, moved: false, before: { name: 'Huyện Kế Sách', parentCode: 'ST' } }),
      expect.objectContaining({ code: 'ST-KS-01', renamed: false, moved: true, parentCode: 'ST-MT', before: { name: 'Trường THCS Kế Sách', parentCode: 'ST-KS' } }),
    ]);
    expect(plan.batches).toEqual([{ rank: 3, creates: [], moves: [expect.objectContaining({ code: 'ST-KS-01' })] }]);
  });

  it('keeps a retired unit in the file as it is, even under a retired parent', () => {
    const known: KnownUnit[] = [...KNOWN, { code: 'ST-OLD-01', name: 'Trường cũ', levelCode: 'school', parentCode: 'ST-OLD', retired: true }];
    expect(planned([row('ST-OLD-01', 'Trường cũ', 'school', 'ST-OLD')], known)).toMatchObject({ unchanged: 1 });
  });

  it('lists every bad row with its column and reason, and nothing about the good rows', () => {
    const problems = problemsOf([
      row('ST-CT', 'Huyện Châu Thành', 'district', 'ST'), // 2: good
      row('ST-CT', 'Huyện Châu Thành bis', 'district', 'ST'), // 3: duplicate code
      row('', 'Không mã', 'school', 'ST-CT'), // 4: empty code
      row('ST-CT-01', '', 'school', 'ST-CT'), // 5: empty name
      row('ST-CT-02', 'Trường B', 'commune', 'ST-CT'), // 6: unknown level
      row('ST-CT-03', 'Trường C', 'school', 'ST-XX'), // 7: unknown parent
      row('ST-CT-04', 'Tỉnh dưới huyện', 'province', 'ST-CT'), // 8: rank violation
      row('ST-CT-05', 'Trường D', 'school', 'ST-KS-01'), // 9: under a leaf
      row('ST-NEW', 'Huyện không cha', 'district'), // 10: root at rank 2
      row('ST-SELF', 'Tự làm cha', 'district', 'ST-SELF'), // 11: its own parent
      row('ST-KS', 'Huyện Kế Sách', 'school', 'ST'), // 12: level change of a known unit
      row('ST-OLD-02', 'Trường mới', 'school', 'ST-OLD'), // 13: under a retired parent
      row('ST-CT-06', 'Trường E', 'school', 'ST-CT'), // 14: good
    ]);
    expect(problems).toEqual([
      expect.objectContaining({ row: 3, field: 'code', reason: 'ST-CT already appears on row 2' }),
      expect.objectContaining({ row: 4, field: 'code', reason: 'must not be empty' }),
      expect.objectContaining({ row: 5, field: 'name', reason: 'must not be empty' }),
      expect.objectContaining({ row: 6, field: 'level', reason: 'unknown level "commune"; known levels: nation, province, district, school' }),
      expect.objectContaining({ row: 7, field: 'parent_code', reason: 'no unit ST-XX in the file or in the database' }),
      expect.objectContaining({ row: 8, field: 'parent_code', reason: expect.stringMatching(/Tỉnh \(rank 1\) cannot sit under ST-CT/) }),
      expect.objectContaining({ row: 9, field: 'parent_code', reason: 'ST-KS-01 is a Trường, which cannot have units under it' }),
      expect.objectContaining({ row: 10, field: 'parent_code', reason: expect.stringMatching(/needs a parent unit/) }),
      expect.objectContaining({ row: 11, field: 'parent_code', reason: 'a unit cannot be its own parent' }),
      expect.objectContaining({ row: 12, field: 'level', reason: "ST-KS is already a Huyện; an import cannot change a unit's level" }),
      expect.objectContaining({ row: 13, field: 'parent_code', reason: 'ST-OLD is retired: restore it first' }),
    ]);
  });

  it('reports every problem of one row, not only the first', () => {
    expect(problemsOf([row('', '', 'commune', 'NOWHERE')])).toEqual([
      expect.objectContaining({ row: 2, field: 'code', reason: 'must not be empty' }),
      expect.objectContaining({ row: 2, field: 'name', reason: 'must not be empty' }),
      expect.objectContaining({ row: 2, field: 'level', reason: expect.stringMatching(/unknown level/) }),
      expect.objectContaining({ row: 2, field: 'parent_code', reason: 'no unit NOWHERE in the file or in the database' }),
    ]);
  });

  it('refuses a cycle in the file, whichever order its rows come in', () => {
    const problems = problemsOf([row('A', 'A', 'district', 'B'), row('B', 'B', 'district', 'A')]);
    expect(problems.map((p) => [p.row, p.field])).toEqual([
      [2, 'parent_code'],
      [3, 'parent_code'],
    ]);
  });

  it('refuses moving a known unit under its own descendant', () => {
    const problems = problemsOf([row('ST', 'Sóc Trăng', 'province', 'ST-KS')]);
    expect(problems).toEqual([expect.objectContaining({ row: 2, field: 'parent_code', reason: expect.stringMatching(/cannot sit under ST-KS/) })]);
  });

  it('does not blame children for a parent row whose level is unknown', () => {
    const problems = problemsOf([row('ST-CT', 'Huyện Châu Thành', 'huyen-cu', 'ST'), row('ST-CT-01', 'Trường A', 'school', 'ST-CT')]);
    expect(problems).toEqual([expect.objectContaining({ row: 2, field: 'level', reason: expect.stringMatching(/unknown level/) })]);
  });

  it('plans any valid tree, given in any order, parents before children, and then finds it unchanged', () => {
    const trees = fc.array(fc.nat(), { minLength: 1, maxLength: 60 }).chain((picks) =>
      fc.tuple(
        fc.constant(picks),
        fc.shuffledSubarray(
          picks.map((_, i) => i),
          { minLength: picks.length, maxLength: picks.length },
        ),
      ),
    );
    fc.assert(
      fc.property(trees, ([picks, order]) => {
        // Unit i gets a parent among the units created before it, one level up; the first is a province under VN.
        const units = [{ code: 'P0', level: LEVELS[1], parentCode: 'VN' }];
        picks.slice(1).forEach((pick, i) => {
          const candidates = units.filter((u) => !u.level.isLeaf);
          const parent = candidates[pick % candidates.length];
          units.push({ code: `U${i + 1}`, level: LEVELS[parent.level.rank + 1], parentCode: parent.code });
        });
        const rows = order.map((i, n) => ({ row: n + 2, code: units[i].code, name: `Unit ${units[i].code}`, level: units[i].level.code, parentCode: units[i].parentCode }));
        const plan = planned(rows);
        expect(plan.created).toBe(units.length);
        const placed = new Set(KNOWN.map((u) => u.code));
        for (const batch of plan.batches) {
          for (const create of batch.creates) expect(placed.has(create.parentCode!)).toBe(true);
          for (const create of batch.creates) placed.add(create.code);
        }
        const known = [...KNOWN, ...rows.map((r) => ({ code: r.code, name: r.name, levelCode: r.level, parentCode: r.parentCode, retired: false }))];
        expect(planned(rows, known)).toMatchObject({ created: 0, updated: 0, unchanged: rows.length });
      }),
    );
  });
});

describe('codes without case', () => {
  it('matches a known unit whatever the case the file writes, and keeps its spelling', () => {
    const plan = planned([row('st-ks-01', 'Trường THCS Kế Sách', 'school', 'st-ks'), row('st-ks-02', 'Trường mới', 'school', 'St-Ks')]);
    expect(plan.unchanged).toBe(1);
    expect(plan.created).toBe(1);
    expect(plan.batches.flatMap((b) => b.creates)).toEqual([expect.objectContaining({ code: 'st-ks-02', parentCode: 'ST-KS' })]);
  });

  it('renames a known unit written in another case without changing its code', () => {
    const plan = planned([row('st-ks-01', 'Trường THCS Kế Sách 2', 'school', 'ST-KS')]);
    expect(plan.updates).toEqual([expect.objectContaining({ code: 'ST-KS-01', name: 'Trường THCS Kế Sách 2', renamed: true, moved: false })]);
  });

  it('finds a parent created earlier in the file under another case', () => {
    const plan = planned([row('ST-NEW', 'Huyện mới', 'district', 'ST'), row('ST-NEW-01', 'Trường', 'school', 'st-new')]);
    expect(plan.batches.flatMap((b) => b.creates).map((u) => [u.code, u.parentCode])).toEqual([
      ['ST-NEW', 'ST'],
      ['ST-NEW-01', 'ST-NEW'],
    ]);
  });

  it('refuses the same code twice in two cases', () => {
    const problems = problemsOf([row('ST-NEW', 'Huyện mới', 'district', 'ST'), row('st-new', 'Huyện mới', 'district', 'ST')]);
    expect(problems).toEqual([expect.objectContaining({ row: 3, field: 'code', code: 'UNIT_CODE_REPEATED', reason: 'st-new already appears on row 2 (as ST-NEW; codes are matched without case)' })]);
  });

  it('refuses codes and names a unit created in the app could not have', () => {
    const problems = problemsOf([row('ST/NEW', 'Huyện\u200Bmới', 'district', 'ST')]);
    expect(problems.map((p) => p.field)).toEqual(['code', 'name']);
  });
});
