import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import type { WorldSpec, World } from '../../src/seed/world';
import { YOUTH_FIELDS, YOUTH_RUBRIC, YOUTH_STAGES } from '../../src/seed/demo-world';
import { entrySearchKey } from '../../src/entries/entry-draft';
import { copyOut, copyRows, ENTRY_COLUMNS } from '../copy';
import { entryRows, FileRow } from '../entries-file';

/**
 * The HTTP bench's world: a national youth contest whose provinces each look like Sóc Trăng in 2017
 * (11 district-level units, 411 schools), one edition open for registration, and the accounts the
 * figures act as. Entries are written straight into the tables the app reads (COPY), not through it.
 */

export const BENCH_PASSWORD = 'bench-password-2017';
export const NATIONAL_CONTEST = 'Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng toàn quốc';
export const EDITION_KEY = `${NATIONAL_CONTEST}#18`;
export const SCHOOLS_PER_PROVINCE = 411;
const DISTRICTS_PER_PROVINCE = 11;
const DAY = 24 * 3600 * 1000;

/** Sóc Trăng first (the province the province-scope figures read), then its Mekong neighbours. */
const PROVINCES: Array<{ code: string; name: string }> = [
  { code: 'ST', name: 'Tỉnh Sóc Trăng' },
  { code: 'BL', name: 'Tỉnh Bạc Liêu' },
  { code: 'CM', name: 'Tỉnh Cà Mau' },
  { code: 'HG', name: 'Tỉnh Hậu Giang' },
  { code: 'CTO', name: 'Thành phố Cần Thơ' },
  { code: 'TV', name: 'Tỉnh Trà Vinh' },
  { code: 'VL', name: 'Tỉnh Vĩnh Long' },
  { code: 'KG', name: 'Tỉnh Kiên Giang' },
  { code: 'AG', name: 'Tỉnh An Giang' },
  { code: 'BTR', name: 'Tỉnh Bến Tre' },
];
const SCHOOL_KINDS = ['Trường Tiểu học', 'Trường THCS', 'Trường THPT'];

export const provinceCodes = (count: number) => PROVINCES.slice(0, count).map((p) => p.code);

/** School codes of a province: `ST-D03-S012` is the 12th school of Sóc Trăng's third district. */
export function schoolsOf(province: string): string[] {
  const codes: string[] = [];
  for (let i = 0; i < SCHOOLS_PER_PROVINCE; i += 1) {
    const district = i % DISTRICTS_PER_PROVINCE;
    const n = Math.floor(i / DISTRICTS_PER_PROVINCE) + 1;
    codes.push(`${province}-D${String(district + 1).padStart(2, '0')}-S${String(n).padStart(3, '0')}`);
  }
  return codes;
}

export const ACCOUNTS = {
  /** Organiser of Sóc Trăng: the province-scope lists. */
  province: 'organiser.st@bench.vn',
  /** Organiser at the nation: the deep page and the national exports. */
  national: 'organiser.vn@bench.vn',
  /** School accounts of Sóc Trăng, one per registering client. */
  school: (n: number) => `school${String(n + 1).padStart(3, '0')}@bench.vn`,
};

export function nationalWorld(provinces: number, schoolAccounts: number, now = new Date()): WorldSpec {
  if (provinces > PROVINCES.length) throw new Error(`At most ${PROVINCES.length} provinces`);
  const units: WorldSpec['units'] = [{ code: 'VN', name: 'Việt Nam', level: 'nation' }];
  for (const p of PROVINCES.slice(0, provinces)) {
    units.push({ code: p.code, name: p.name, level: 'province', parent: 'VN' });
    for (let d = 1; d <= DISTRICTS_PER_PROVINCE; d += 1) {
      units.push({ code: `${p.code}-D${String(d).padStart(2, '0')}`, name: `Huyện ${d} (${p.name})`, level: 'district', parent: p.code });
    }
    for (const [i, code] of schoolsOf(p.code).entries()) {
      units.push({ code, name: `${SCHOOL_KINDS[i % 3]} số ${i + 1} (${p.name})`, level: 'school', parent: code.slice(0, code.lastIndexOf('-')) });
    }
  }
  const stSchools = schoolsOf('ST');
  const user = (email: string, fullName: string, role: 'organiser' | 'school', unit: string) => ({ email, fullName, password: BENCH_PASSWORD, grants: [{ role, unit }] });
  return {
    levels: [
      { code: 'nation', name: 'Toàn quốc', rank: 0 },
      { code: 'province', name: 'Tỉnh, thành phố trực thuộc trung ương', rank: 1 },
      { code: 'district', name: 'Huyện, thị xã, thành phố thuộc tỉnh', rank: 2 },
      { code: 'school', name: 'Trường học', rank: 3, isLeaf: true },
    ],
    units,
    users: [
      user(ACCOUNTS.province, 'Ban tổ chức tỉnh Sóc Trăng', 'organiser', 'ST'),
      user(ACCOUNTS.national, 'Ban tổ chức toàn quốc', 'organiser', 'VN'),
      ...Array.from({ length: schoolAccounts }, (_, n) => user(ACCOUNTS.school(n), `Trường ${stSchools[n]}`, 'school', stSchools[n])),
    ],
    contests: [
      {
        kind: 'youth',
        name: NATIONAL_CONTEST,
        unit: 'VN',
        editions: [
          {
            number: 18,
            seasonLabel: '2017',
            unit: 'VN',
            registrationOpensAt: new Date(now.getTime() - DAY),
            registrationClosesAt: new Date(now.getTime() + 60 * DAY),
            eligibility: { kind: 'youth', bornFrom: '2001-07-31', bornTo: '2014-07-31' },
            maxAuthors: 5,
            plannedEntries: 150_000,
            fields: YOUTH_FIELDS,
            rubric: YOUTH_RUBRIC,
            stages: YOUTH_STAGES,
          },
        ],
      },
    ],
  };
}

const CHUNK = 10_000;

function authorsOf(row: FileRow) {
  const authors: Array<{ fullName: string; birthDate: string | null; classOrJob: string | null }> = [];
  for (let a = 1; a <= 3; a += 1) if (row[`author${a}_name`]) authors.push({ fullName: row[`author${a}_name`], birthDate: row[`author${a}_birth_date`], classOrJob: row[`author${a}_class`] });
  return authors;
}

/**
 * Registers `count` entries spread over the province's schools, at its first (school) stage, with
 * COPY in chunks: about 10 s for 150,000 entries, where the API would take many minutes.
 */
export async function seedEntries(client: Client, world: World, province: string, count: number, seed: number): Promise<void> {
  const { edition, fields, stages } = world.editions.get(EDITION_KEY)!;
  const creator = world.users.get(ACCOUNTS.national)!.id;
  const rows = entryRows(schoolsOf(province), [...fields.keys()], count, seed);
  // The rows are consistent by construction: a superuser session skips the per-row foreign-key triggers (a
  // third of the seeding time); any other role just checks them.
  const unchecked = await client.query('SET session_replication_role = replica').then(
    () => true,
    () => false,
  );
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK).map((row) => ({ id: randomUUID(), row, school: world.units.get(row.school_code)!, authors: authorsOf(row) }));
    await client.query('BEGIN');
    await copyRows(
      client,
      'entries',
      ENTRY_COLUMNS,
      chunk.map(({ id, row, school, authors }) => [
        id,
        edition.id,
        school.id,
        school.path,
        fields.get(row.field)!.id,
        row.reference,
        row.title,
        row.summary,
        row.contact_name,
        row.contact_email,
        row.contact_phone,
        null,
        entrySearchKey({ reference: row.reference, title: row.title, authors }),
        creator,
        stages[0].id,
        school.id,
      ]),
    );
    await copyRows(
      client,
      'entry_authors',
      ['entry_id', 'position', 'full_name', 'birth_date', 'class_or_job'],
      chunk.flatMap(({ id, authors }) => authors.map((a, i) => [id, i + 1, a.fullName, a.birthDate, a.classOrJob])),
    );
    await copyRows(
      client,
      'entry_stages',
      ['entry_id', 'stage_id', 'unit_id'],
      chunk.map(({ id, school }) => [id, stages[0].id, school.id]),
    );
    await client.query('COMMIT');
  }
  if (unchecked) await client.query('RESET session_replication_role');
}

/** A registration body like a school's form, under its own reference (unique per school and edition). */
export function registrationBody(template: FileRow, reference: string) {
  return {
    title: template.title,
    fieldCode: template.field,
    summary: template.summary,
    reference,
    contact: { name: template.contact_name, email: template.contact_email, phone: template.contact_phone },
    authors: authorsOf(template),
  };
}

/**
 * The ceiling of an export: the rows an export of the whole edition holds (school, entry, field, authors
 * with their birth dates and classes, current stage), in its order, produced by PostgreSQL itself as CSV.
 * What the API spends beyond this is building objects and the file. Resolves to the bytes sent.
 */
export function copyEditionExport(client: Client, editionId: string): Promise<number> {
  // editionId comes from the seeded world (a uuid), never from outside.
  if (!/^[0-9a-f-]{36}$/.test(editionId)) throw new Error(`Not an edition id: ${editionId}`);
  return copyOut(
    client,
    `SELECT u.code, u.name, e.reference, e.title, f.code, f.name, au.n, au.names, au.births, au.classes,
       e.created_year, e.contact_name, e.contact_email, e.contact_phone, e.status,
       (SELECT s.name FROM entry_stages es JOIN stages s ON s.id = es.stage_id WHERE es.entry_id = e.id ORDER BY s.position DESC LIMIT 1)
     FROM entries e JOIN units u ON u.id = e.unit_id JOIN edition_fields f ON f.id = e.field_id
     CROSS JOIN LATERAL (
       SELECT count(*) AS n, string_agg(a.full_name, '; ' ORDER BY a.position) AS names,
         string_agg(to_char(a.birth_date, 'DD/MM/YYYY'), '; ' ORDER BY a.position) AS births,
         string_agg(coalesce(a.class_or_job, '–'), '; ' ORDER BY a.position) AS classes
       FROM entry_authors a WHERE a.entry_id = e.id) au
     WHERE e.edition_id = '${editionId}'
     ORDER BY u.code COLLATE "C", e.reference COLLATE "C", e.id`,
  );
}
