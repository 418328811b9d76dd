/**
 * What a scenario asks to be generated, deterministically from its seed: units, entries and the judges' scores.
 * No I/O here, so the same scenario always yields the same season.
 */
import type { EntrySpec, LevelSpec, Normal, Scenario, ScoreModel, UnitSpec } from './scenario';

export const DEFAULT_LEVELS: LevelSpec[] = [
  { code: 'nation', name: 'Toàn quốc', rank: 0 },
  { code: 'province', name: 'Tỉnh', rank: 1 },
  { code: 'district', name: 'Huyện', rank: 2 },
  { code: 'school', name: 'Trường', rank: 3, isLeaf: true },
];

/** FNV-1a over the parts: a stable 32-bit seed per (scenario seed, thing). */
export function seedOf(...parts: Array<string | number>): number {
  let h = 2166136261;
  for (const c of parts.join('\u0000')) {
    h ^= c.codePointAt(0)!;
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** mulberry32: small, fast and good enough to spread scores. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, int: (n: number) => Math.floor(next() * n), normal, pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] };
}

const clamp = (x: number, min: number, max: number) => Math.min(max, Math.max(min, x));
const draw = (n: Normal, seed: number) => clamp((n.mean ?? 0) + n.sd * random(seed).normal(), n.min ?? -Infinity, n.max ?? Infinity);

/** `total` shared over `weights` in proportion, whole numbers summing to `total` (largest remainder). */
export function shareOut(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    out[i] += 1;
    left -= 1;
  }
  return out;
}

/** The scenario's explicit units followed by the generated ones, parents before children. */
export function resolveUnits(scenario: Scenario): UnitSpec[] {
  const units = [...(scenario.units ?? [])];
  for (const gen of scenario.generate?.units ?? []) {
    const parents = units.filter((u) => u.level === gen.under);
    if (!parents.length) throw new Error(`generate.units: no unit of level "${gen.under}" to put ${gen.level} units under`);
    const counts =
      gen.total !== undefined
        ? shareOut(
            gen.total,
            parents.map(() => 1),
          )
        : parents.map(() => gen.perParent ?? 0);
    parents.forEach((parent, p) => {
      const width = String(counts[p]).length < 2 ? 2 : String(counts[p]).length;
      for (let n = 1; n <= counts[p]; n++) {
        const name = (gen.name ?? `${gen.level} {n} {parent}`).replace('{n}', String(n)).replace('{parent}', parent.name);
        units.push({ code: `${parent.code}-${String(n).padStart(width, '0')}`, name, level: gen.level, parent: parent.code });
      }
    });
  }
  return units;
}

export interface SimEntry extends EntrySpec {
  title: string;
  quality: number;
  authors: Array<{ fullName: string; birthDate: string; classOrJob: string }>;
  contactName: string;
  contactEmail: string;
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Hoàng', 'Phan', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý', 'Thạch', 'Lâm', 'Sơn', 'Danh', 'Kim'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Ngọc', 'Thanh', 'Hoàng', 'Gia', 'Quốc', 'Bảo', 'Hữu', 'Thùy'];
const GIVEN = ['An', 'Bình', 'Châu', 'Dũng', 'Giang', 'Hạnh', 'Hiếu', 'Khoa', 'Linh', 'Lộc', 'Mai', 'Nhung', 'Phúc', 'Quyên', 'Sang', 'Tâm', 'Thảo', 'Trí', 'Uyên', 'Vy'];
const THINGS = ['Máy tưới cây', 'Thùng rác', 'Bàn học', 'Đèn học', 'Mô hình nhà', 'Phần mềm học', 'Xe đẩy', 'Bộ lọc nước', 'Thước đo', 'Máy bóc vỏ', 'Giàn phơi', 'Chuông báo'];
const QUALITIES = ['tự động', 'thông minh', 'dùng năng lượng mặt trời', 'từ vật liệu tái chế', 'đa năng', 'tiết kiệm điện', 'điều khiển qua điện thoại', 'chống ngập'];
const CLASSES = ['3A', '4B', '5A1', '6A2', '7A1', '8B', '9A1', '10A3', '11B2', '12A1'];

/** Every school's contact is one teacher, as schools file: one confirmation mail per school and batch. */
export function contactOf(unitCode: string) {
  return { contactName: `Giáo viên phụ trách ${unitCode}`, contactEmail: `gv.${unitCode.toLowerCase()}@truong.sim.local` };
}

/** Explicit entries, or `generate.entries.total` spread evenly over the leaf units, fields drawn by weight. */
export function resolveEntries(scenario: Scenario, units: UnitSpec[], leafLevels: Set<string>, fieldCodes: string[]): SimEntry[] {
  const seed = scenario.seed ?? 1;
  const quality = scenario.scoreModel?.quality ?? { mean: 60, sd: 12, min: 0, max: 95 };
  const person = (g: ReturnType<typeof random>) => `${g.pick(FAMILY)} ${g.pick(MIDDLE)} ${g.pick(GIVEN)}`;
  // Authors born inside the youth window (the technical contest has none): an ineligible row would refuse the whole file.
  const eligibility = scenario.edition.eligibility as { kind: string; bornFrom?: string; bornTo?: string } | undefined;
  const from = Date.parse(eligibility?.bornFrom ?? '2004-01-01');
  const span = Math.max(0, Date.parse(eligibility?.bornTo ?? '2011-12-31') - from) / 86_400_000;
  const birthDate = (g: ReturnType<typeof random>) => new Date(from + (1 + g.int(Math.max(1, span - 1))) * 86_400_000).toISOString().slice(0, 10);
  const dress = (e: EntrySpec): SimEntry => {
    const g = random(seedOf(seed, 'entry', e.reference));
    const authors = Array.from({ length: 1 }, () => ({ fullName: person(g), birthDate: birthDate(g), classOrJob: g.pick(CLASSES) }));
    return {
      ...e,
      title: e.title ?? `${g.pick(THINGS)} ${g.pick(QUALITIES)}`,
      quality: e.quality ?? draw(quality, seedOf(seed, 'quality', e.reference)),
      authors,
      ...contactOf(e.unit),
    };
  };
  const explicit = (scenario.entries ?? []).map(dress);
  const gen = scenario.generate?.entries;
  if (!gen) return explicit;
  const leaves = units.filter((u) => leafLevels.has(u.level));
  if (!leaves.length) throw new Error('generate.entries: the scenario has no school or organisation units');
  const weights = fieldCodes.map((f) => gen.fieldWeights?.[f] ?? (gen.fieldWeights ? 0 : 1));
  const cumulative = weights.map((_, i) => weights.slice(0, i + 1).reduce((a, b) => a + b, 0));
  const g = random(seedOf(seed, 'entries'));
  const perLeaf = shareOut(
    gen.total,
    leaves.map(() => 1),
  );
  const [fewest, most] = gen.authors ?? [1, 3];
  const out = [...explicit];
  leaves.forEach((leaf, l) => {
    for (let n = 1; n <= perLeaf[l]; n++) {
      const x = g.next() * cumulative[cumulative.length - 1];
      const field = fieldCodes[cumulative.findIndex((c) => x < c)];
      const entry = dress({ reference: `${leaf.code}-${String(n).padStart(3, '0')}`, unit: leaf.code, field });
      const authorCount = fewest + g.int(most - fewest + 1);
      while (entry.authors.length < authorCount) entry.authors.push({ ...entry.authors[0], fullName: person(g) });
      out.push(entry);
    }
  });
  return out;
}

/** A judge's bias in the score model: stated, or drawn once per judge. */
export function judgeBias(scenario: Scenario, judgeKey: string, stated?: number): number {
  if (stated !== undefined) return stated;
  const sd = scenario.scoreModel?.judgeBias?.sd ?? 0;
  return sd ? sd * random(seedOf(scenario.seed ?? 1, 'bias', judgeKey)).normal() : 0;
}

/** The total a judge gives an entry at a stage under the score model, on the rubric's scale, a multiple of `step`. */
export function modelTotal(model: ScoreModel | undefined, seed: number, stage: number, entry: SimEntry, judgeKey: string, bias: number, rubricTotal: number, step: number): number {
  const noise = (model?.noise?.sd ?? 0) * random(seedOf(seed, 'noise', stage, entry.reference, judgeKey)).normal();
  return Math.round(clamp(entry.quality + bias + noise, 0, rubricTotal) / step) * step;
}

/**
 * A total split over the rubric in proportion to each criterion's maximum, every share a multiple of `step`,
 * summing exactly to the total (which must itself be a multiple of `step` and within the rubric).
 */
export function splitTotal(total: number, rubric: ReadonlyArray<{ code: string; maxPoints: number }>, step: number): Record<string, number> {
  const sum = rubric.reduce((a, c) => a + c.maxPoints, 0);
  if (total < 0 || total > sum) throw new Error(`a total of ${total} is outside the rubric's 0 to ${sum}`);
  const units = Math.round(total / step);
  if (Math.abs(units * step - total) > 1e-9) throw new Error(`a total of ${total} is not a multiple of the score step ${step}`);
  const caps = rubric.map((c) => Math.floor(c.maxPoints / step + 1e-9));
  const shares = rubric.map((c, i) => Math.min(caps[i], Math.floor((units * c.maxPoints) / sum)));
  let left = units - shares.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % rubric.length) {
    if (shares[i] < caps[i]) {
      shares[i] += 1;
      left -= 1;
    }
  }
  return Object.fromEntries(rubric.map((c, i) => [c.code, shares[i] * step]));
}
