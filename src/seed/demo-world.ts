import type { FieldDefinition, RubricCriterion, StageDefinition } from '../contests/edition.types';
import type { WorldSpec } from './world';

/**
 * The demo season `npm start` seeds on an empty database: Sóc Trăng's youth creativity contest,
 * 6th edition (2017), with the province's 11 district-level units of that year and schools under them.
 * Figures follow the real season (see DOMAIN.md "Facts from real seasons").
 */

/** One password for every demo account, printed at start-up; at least 10 characters like any password here. */
export const DEMO_PASSWORD = 'demo-soctrang-2017';
export const DEMO_NATION = 'VN';
export const DEMO_PROVINCE = 'ST';
export const DEMO_CONTEST = 'Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng';
export const DEMO_EDITION = 6;

const DAY = 24 * 3600 * 1000;

/** The district-level units of Sóc Trăng in 2017 (one city, two towns, eight rural districts) and a few schools of each. */
const DISTRICTS: Array<{ code: string; name: string; schools: string[] }> = [
  {
    code: 'ST-TP',
    name: 'Thành phố Sóc Trăng',
    schools: ['Trường THPT Chuyên Nguyễn Thị Minh Khai', 'Trường THPT Hoàng Diệu', 'Trường THCS Lê Quý Đôn', 'Trường Tiểu học Kim Đồng'],
  },
  {
    code: 'ST-VC',
    name: 'Thị xã Vĩnh Châu',
    schools: ['Trường THPT Vĩnh Hải', 'Trường THPT Lai Hòa', 'Trường THCS Khánh Hòa', 'Trường Tiểu học Vĩnh Phước 1'],
  },
  { code: 'ST-NN', name: 'Thị xã Ngã Năm', schools: ['Trường THPT Mai Thanh Thế', 'Trường THCS Long Bình', 'Trường Tiểu học Vĩnh Quới'] },
  { code: 'ST-CT', name: 'Huyện Châu Thành', schools: ['Trường THPT Thuận Hòa', 'Trường THCS Phú Tâm', 'Trường Tiểu học An Hiệp'] },
  {
    code: 'ST-KS',
    name: 'Huyện Kế Sách',
    schools: ['Trường THPT Kế Sách', 'Trường THPT Phan Văn Hùng', 'Trường THCS An Lạc Tây', 'Trường Tiểu học Thới An Hội'],
  },
  { code: 'ST-MT', name: 'Huyện Mỹ Tú', schools: ['Trường THPT Huỳnh Hữu Nghĩa', 'Trường THCS Mỹ Hương', 'Trường Tiểu học Long Hưng'] },
  { code: 'ST-CLD', name: 'Huyện Cù Lao Dung', schools: ['Trường THPT Đoàn Văn Tố', 'Trường THCS An Thạnh 1', 'Trường Tiểu học An Thạnh Nam'] },
  {
    code: 'ST-LP',
    name: 'Huyện Long Phú',
    schools: ['Trường THPT Lương Định Của', 'Trường THPT Đại Ngãi', 'Trường THCS Long Phú', 'Trường Tiểu học Tân Hưng'],
  },
  { code: 'ST-MX', name: 'Huyện Mỹ Xuyên', schools: ['Trường THPT Văn Ngọc Chính', 'Trường THCS Thạnh Phú', 'Trường Tiểu học Ngọc Tố'] },
  { code: 'ST-TT', name: 'Huyện Thạnh Trị', schools: ['Trường THPT Trần Văn Bảy', 'Trường THCS Phú Lộc', 'Trường Tiểu học Lâm Tân'] },
  { code: 'ST-TD', name: 'Huyện Trần Đề', schools: ['Trường THPT Lịch Hội Thượng', 'Trường THCS Trung Bình', 'Trường Tiểu học Tài Văn'] },
];

/** School codes are the district's code and a two-digit number: `ST-KS-03` is the third school listed for Kế Sách. */
const schoolCode = (district: string, index: number) => `${district}-${String(index + 1).padStart(2, '0')}`;

/** The demo school account's school and the district organiser's district, so the organiser sees that school's entries. */
const DEMO_DISTRICT = 'ST-KS';
const DEMO_SCHOOL = schoolCode(DEMO_DISTRICT, 2);

/** The Sóc Trăng youth ladder (school → district → province → national) with its 2017 prize scheme. */
export const YOUTH_STAGES: StageDefinition[] = [
  {
    name: 'Cấp trường',
    levelCode: 'school',
    judged: false,
    judgesPerEntry: 0,
    aggregation: 'mean',
    discrepancySpread: null,
    tieBreak: [],
    // Schools screen their own pupils' work and pick what goes to the district (2,131 of 3,829 in 2017).
    advancement: { kind: 'pick' },
    prizeScheme: null,
  },
  {
    name: 'Cấp huyện',
    levelCode: 'district',
    judged: true,
    judgesPerEntry: 3,
    aggregation: 'mean',
    discrepancySpread: 20,
    tieBreak: ['novelty', 'applicability'],
    // 11 districts × 12 ≈ the 133 entries that reached the province round in 2017.
    advancement: { kind: 'top_n', count: 12 },
    prizeScheme: null,
  },
  {
    name: 'Cấp tỉnh',
    levelCode: 'province',
    judged: true,
    judgesPerEntry: 5,
    aggregation: 'trimmed_mean',
    discrepancySpread: 15,
    tieBreak: ['novelty', 'applicability', 'science'],
    // The organisers choose the entries sent to the national contest (6 in 2017).
    advancement: { kind: 'pick' },
    prizeScheme: {
      // The published counts are maximums, so a tie across a quota boundary drops to the next level
      // rather than exceeding the quota (and the prize budget).
      tiePolicy: 'group_drops',
      passUnusedQuotaDown: false,
      levels: [
        { code: 'special', name: 'Giải Đặc biệt', quotaKind: 'count', quota: 1, minScore: 90, scope: 'stage', prizeMoney: 5_000_000 },
        // 1/2/3/4 per field over 5 fields: the 5/10/15/20 prizes of 2017.
        { code: 'first', name: 'Giải Nhất', quotaKind: 'count', quota: 1, minScore: 80, scope: 'field', prizeMoney: 3_000_000 },
        { code: 'second', name: 'Giải Nhì', quotaKind: 'count', quota: 2, minScore: 70, scope: 'field', prizeMoney: 2_000_000 },
        { code: 'third', name: 'Giải Ba', quotaKind: 'count', quota: 3, minScore: 60, scope: 'field', prizeMoney: 1_000_000 },
        { code: 'encouragement', name: 'Giải Khuyến khích', quotaKind: 'count', quota: 4, minScore: 50, scope: 'field', prizeMoney: 400_000 },
      ],
    },
  },
  {
    name: 'Toàn quốc',
    levelCode: 'nation',
    judged: true,
    judgesPerEntry: 5,
    aggregation: 'mean',
    discrepancySpread: null,
    tieBreak: [],
    advancement: null,
    prizeScheme: null,
  },
];

/** The five fields of the Sóc Trăng youth contest (2017), in the order of its rules. */
export const YOUTH_FIELDS: FieldDefinition[] = [
  { code: 'HT', name: 'Đồ dùng dành cho học tập' },
  { code: 'PM', name: 'Phần mềm tin học' },
  { code: 'MT', name: 'Sản phẩm thân thiện với môi trường' },
  { code: 'SH', name: 'Dụng cụ sinh hoạt gia đình và đồ chơi trẻ em' },
  { code: 'KT', name: 'Bảo vệ môi trường và phát triển kinh tế' },
];

/** A 100-point rubric as youth contests publish it. */
export const YOUTH_RUBRIC: RubricCriterion[] = [
  { code: 'novelty', name: 'Tính mới, tính sáng tạo', maxPoints: 30 },
  { code: 'science', name: 'Tính khoa học', maxPoints: 20 },
  { code: 'applicability', name: 'Khả năng ứng dụng thực tiễn', maxPoints: 30 },
  { code: 'effect', name: 'Hiệu quả kinh tế - xã hội', maxPoints: 10 },
  { code: 'presentation', name: 'Hình thức, trình bày', maxPoints: 10 },
];

/**
 * The demo world. Registration is OPEN when the demo is seeded, from the day before `now` to 60 days
 * after, so that a newcomer can register entries straight away; the 2017 label and eligibility window
 * stay those of the real season.
 */
export function demoWorld(now = new Date()): WorldSpec {
  const schools = DISTRICTS.flatMap((d) => d.schools.map((name, i) => ({ code: schoolCode(d.code, i), name, level: 'school', parent: d.code })));
  const account = (email: string, fullName: string, role: WorldSpec['users'][number]['grants'][number]['role'], unit: string) => ({
    email,
    fullName,
    password: DEMO_PASSWORD,
    grants: [{ role, unit }],
  });
  return {
    levels: [
      { code: 'nation', name: 'Toàn quốc', rank: 0 },
      { code: 'province', name: 'Tỉnh, thành phố trực thuộc trung ương', rank: 1 },
      { code: 'district', name: 'Huyện, thị xã, thành phố thuộc tỉnh', rank: 2 },
      { code: 'school', name: 'Trường học', rank: 3, isLeaf: true },
      { code: 'organisation', name: 'Cơ quan, doanh nghiệp, tổ chức', rank: 3, isLeaf: true },
    ],
    units: [
      { code: DEMO_NATION, name: 'Việt Nam', level: 'nation' },
      { code: DEMO_PROVINCE, name: 'Tỉnh Sóc Trăng', level: 'province', parent: DEMO_NATION },
      ...DISTRICTS.map((d) => ({ code: d.code, name: d.name, level: 'district', parent: DEMO_PROVINCE })),
      ...schools,
    ],
    users: [
      account('admin@demo.soctrang.vn', 'Quản trị hệ thống', 'admin', DEMO_NATION),
      account('province@demo.soctrang.vn', 'Ban tổ chức tỉnh Sóc Trăng', 'organiser', DEMO_PROVINCE),
      account('district@demo.soctrang.vn', 'Ban tổ chức huyện Kế Sách', 'organiser', DEMO_DISTRICT),
      account('school@demo.soctrang.vn', 'Trường THCS An Lạc Tây', 'school', DEMO_SCHOOL),
      account('judge@demo.soctrang.vn', 'Nguyễn Thị Thu Hà', 'judge', DEMO_PROVINCE),
      account('chair@demo.soctrang.vn', 'Trần Văn Minh', 'chair', DEMO_PROVINCE),
    ],
    contests: [
      {
        kind: 'youth',
        name: DEMO_CONTEST,
        unit: DEMO_PROVINCE,
        editions: [
          {
            number: DEMO_EDITION,
            seasonLabel: '2017',
            unit: DEMO_PROVINCE,
            registrationOpensAt: new Date(now.getTime() - DAY),
            registrationClosesAt: new Date(now.getTime() + 60 * DAY),
            // The window of the published rules (ages 6 to 19), kept so that demo pupils born 2001–2014 qualify.
            eligibility: { kind: 'youth', bornFrom: '2001-07-31', bornTo: '2014-07-31' },
            maxAuthors: 5,
            // The province's plan figure: 2017's 3,829 registered entries then read as 128 % of plan.
            plannedEntries: 3000,
            fields: YOUTH_FIELDS,
            rubric: YOUTH_RUBRIC,
            stages: YOUTH_STAGES,
          },
        ],
      },
    ],
    entries: DEMO_ENTRIES.map(([school, reference, field, title, author, birthDate, classOrJob]) => ({
      edition: `${DEMO_CONTEST}#${DEMO_EDITION}`,
      school,
      reference,
      field,
      title,
      authors: [{ fullName: author, birthDate, classOrJob }],
    })),
  };
}

/** A few entries of Kế Sách's schools already registered, so lists and exports show something at once (the demo school has three). */
const DEMO_ENTRIES: Array<[school: string, reference: string, field: string, title: string, author: string, birthDate: string, classOrJob: string]> = [
  [DEMO_SCHOOL, `${DEMO_SCHOOL}-001`, 'MT', 'Máy tưới cây tự động theo độ ẩm đất', 'Lý Thị Ngọc Hân', '2004-03-12', 'Lớp 8A'],
  [DEMO_SCHOOL, `${DEMO_SCHOOL}-002`, 'HT', 'Bộ thước đo góc đa năng cho học sinh', 'Trần Minh Khoa', '2005-09-01', 'Lớp 7B'],
  [DEMO_SCHOOL, `${DEMO_SCHOOL}-003`, 'SH', 'Chổi quét tự thu gom rác', 'Thạch Thị Sa Rây', '2003-11-20', 'Lớp 9A'],
  [schoolCode(DEMO_DISTRICT, 0), `${schoolCode(DEMO_DISTRICT, 0)}-001`, 'PM', 'Phần mềm tra cứu thời khóa biểu bằng tin nhắn', 'Nguyễn Hoàng Phúc', '2001-10-05', 'Lớp 12A1'],
  [schoolCode(DEMO_DISTRICT, 3), `${schoolCode(DEMO_DISTRICT, 3)}-001`, 'KT', 'Mô hình nuôi trùn quế từ rác thải hữu cơ', 'Danh Thị Mỹ Linh', '2007-02-14', 'Lớp 5A'],
];
