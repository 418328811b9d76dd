import { YOUTH_FIELDS, YOUTH_RUBRIC, YOUTH_STAGES } from '../../src/seed/demo-world';
import type { WorldSpec } from '../../src/seed/world';
import type { EditionDefinition } from '../../src/contests/edition.types';

export const PASSWORD = 'correct-horse-battery';

const DAY = 24 * 3600 * 1000;

/** The demo season's ladder: school → district → province (prizes) → national. */
export const STAGES = YOUTH_STAGES;

/** The ladder the test worlds use: nation, province, district, school; a fresh list, which a test may extend. */
export function testLevels(): WorldSpec['levels'] {
  return [
    { code: 'nation', name: 'Toàn quốc', rank: 0 },
    { code: 'province', name: 'Tỉnh', rank: 1 },
    { code: 'district', name: 'Huyện', rank: 2 },
    { code: 'school', name: 'Trường', rank: 3, isLeaf: true },
  ];
}

/**
 * A small province: two districts, three schools, one account per role.
 * Registration is open from yesterday to 30 days from now.
 */
export function smallWorld(now = new Date()): WorldSpec {
  return {
    levels: testLevels(),
    units: [
      { code: 'VN', name: 'Việt Nam', level: 'nation' },
      { code: 'ST', name: 'Sóc Trăng', level: 'province', parent: 'VN' },
      { code: 'ST-KS', name: 'Huyện Kế Sách', level: 'district', parent: 'ST' },
      { code: 'ST-MT', name: 'Thị xã Ngã Năm', level: 'district', parent: 'ST' },
      { code: 'ST-KS-01', name: 'Trường THCS Kế Sách', level: 'school', parent: 'ST-KS' },
      { code: 'ST-KS-02', name: 'Trường Tiểu học An Lạc Tây', level: 'school', parent: 'ST-KS' },
      { code: 'ST-MT-01', name: 'Trường THPT Mai Thanh Thế', level: 'school', parent: 'ST-MT' },
    ],
    users: [
      { email: 'admin@test.vn', fullName: 'Quản trị', password: PASSWORD, grants: [{ role: 'admin', unit: 'VN' }] },
      { email: 'province@test.vn', fullName: 'Ban tổ chức tỉnh', password: PASSWORD, grants: [{ role: 'organiser', unit: 'ST' }] },
      { email: 'ks@test.vn', fullName: 'Ban tổ chức Kế Sách', password: PASSWORD, grants: [{ role: 'organiser', unit: 'ST-KS' }] },
      { email: 'mt@test.vn', fullName: 'Ban tổ chức Ngã Năm', password: PASSWORD, grants: [{ role: 'organiser', unit: 'ST-MT' }] },
      { email: 'school1@test.vn', fullName: 'THCS Kế Sách', password: PASSWORD, grants: [{ role: 'school', unit: 'ST-KS-01' }] },
      { email: 'school2@test.vn', fullName: 'TH An Lạc Tây', password: PASSWORD, grants: [{ role: 'school', unit: 'ST-KS-02' }] },
      { email: 'school3@test.vn', fullName: 'THPT Mai Thanh Thế', password: PASSWORD, grants: [{ role: 'school', unit: 'ST-MT-01' }] },
      { email: 'judge@test.vn', fullName: 'Giám khảo', password: PASSWORD, grants: [{ role: 'judge', unit: 'ST' }] },
    ],
    contests: [
      {
        kind: 'youth',
        name: 'Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng',
        unit: 'ST',
        editions: [
          {
            number: 6,
            seasonLabel: '2017',
            unit: 'ST',
            registrationOpensAt: new Date(now.getTime() - DAY),
            registrationClosesAt: new Date(now.getTime() + 30 * DAY),
            eligibility: { kind: 'youth', bornFrom: '2001-07-31', bornTo: '2014-07-31' },
            maxAuthors: 5,
            plannedEntries: 3000,
            fields: YOUTH_FIELDS.slice(0, 3),
            rubric: YOUTH_RUBRIC,
            stages: STAGES,
          },
        ],
      },
    ],
  };
}

export const YOUTH_EDITION = 'Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng#6';

/**
 * A technical contest of the province (Phú Yên-like): organisations register directly at the province round,
 * which awards 1/5/10/14 prizes and sends its best to the national round. Registration is open now.
 * Add it to a world with `{ ...smallWorld(), contests: [...smallWorld().contests, technicalContest()] }`.
 */
export function technicalContest(now = new Date()): WorldSpec['contests'][number] {
  const prize = (code: string, name: string, quota: number, minScore: number, prizeMoney: number) => ({ code, name, quotaKind: 'count', quota, minScore, scope: 'stage', prizeMoney }) as const;
  return {
    kind: 'technical',
    name: 'Hội thi Sáng tạo Kỹ thuật tỉnh Sóc Trăng',
    unit: 'ST',
    editions: [
      {
        number: 10,
        seasonLabel: '2022-2023',
        unit: 'ST',
        registrationOpensAt: new Date(now.getTime() - DAY),
        registrationClosesAt: new Date(now.getTime() + 60 * DAY),
        eligibility: { kind: 'technical', createdFromYear: now.getUTCFullYear() - 5 },
        maxAuthors: 10,
        plannedEntries: 40,
        fields: [
          { code: 'CNTT', name: 'Công nghệ thông tin, điện tử, viễn thông' },
          { code: 'CK', name: 'Cơ khí, tự động hóa, xây dựng, giao thông vận tải' },
          { code: 'NN', name: 'Nông, lâm, ngư nghiệp, tài nguyên và môi trường' },
        ],
        rubric: [
          { code: 'novelty', name: 'Tính mới, tính sáng tạo', maxPoints: 30 },
          { code: 'applicability', name: 'Khả năng áp dụng', maxPoints: 35 },
          { code: 'effect', name: 'Hiệu quả kinh tế - xã hội', maxPoints: 35 },
        ],
        stages: [
          {
            name: 'Cấp tỉnh',
            levelCode: 'province',
            judged: true,
            judgesPerEntry: 5,
            aggregation: 'trimmed_mean',
            discrepancySpread: 20,
            tieBreak: ['novelty'],
            advancement: { kind: 'pick' },
            prizeScheme: {
              tiePolicy: 'group_drops',
              passUnusedQuotaDown: false,
              levels: [
                prize('first', 'Giải Nhất', 1, 85, 10_000_000),
                prize('second', 'Giải Nhì', 5, 75, 7_000_000),
                prize('third', 'Giải Ba', 10, 65, 5_000_000),
                prize('encouragement', 'Giải Khuyến khích', 14, 50, 2_000_000),
              ],
            },
          },
          { name: 'Toàn quốc', levelCode: 'nation', judged: true, judgesPerEntry: 5, aggregation: 'mean', discrepancySpread: null, tieBreak: [], advancement: null, prizeScheme: null },
        ],
      },
    ],
  };
}

export const TECHNICAL_EDITION = 'Hội thi Sáng tạo Kỹ thuật tỉnh Sóc Trăng#10';

/** Sóc Trăng youth contest, 6th edition (2017), as its published rules describe it. */
export function socTrang2017(): EditionDefinition {
  return {
    number: 6,
    seasonLabel: '2017',
    registrationOpensAt: new Date('2017-03-01T00:00:00+07:00'),
    registrationClosesAt: new Date('2017-07-31T17:00:00+07:00'),
    eligibility: { kind: 'youth', bornFrom: '2001-07-31', bornTo: '2014-07-31' },
    maxAuthors: 5,
    plannedEntries: 3000,
    // Copies: the cases below mutate the definition.
    fields: structuredClone(YOUTH_FIELDS),
    rubric: structuredClone(YOUTH_RUBRIC),
    stages: structuredClone(YOUTH_STAGES),
  };
}

/** What a client sends back to `PUT /editions/{id}` after reading the edition (`GET` shows more than `PUT` takes). */
export function editionBodyFrom(view: any): any {
  return {
    version: view.version,
    number: view.number,
    seasonLabel: view.seasonLabel,
    registrationOpensAt: view.registrationOpensAt,
    registrationClosesAt: view.registrationClosesAt,
    eligibility: view.eligibility,
    maxAuthors: view.maxAuthors,
    plannedEntries: view.plannedEntries,
    fields: view.fields.map(({ code, name }: any) => ({ code, name })),
    rubric: view.rubric.map(({ code, name, maxPoints }: any) => ({ code, name, maxPoints })),
    stages: view.stages.map(({ id: _id, position: _p, ...stage }: any) => stage),
  };
}
