import { AssignmentInput, assignJudges, ConflictKind } from '../src/judging/assignment';

const FIELDS = ['HT', 'PM', 'MT', 'SH', 'KT'];
const KINDS: ConflictKind[] = ['relative', 'supervisor', 'declared', 'other'];

/** A small deterministic generator, so every run assigns the very same panel. */
function generator(seed: number) {
  let state = seed >>> 0;
  return (n: number) => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return Math.floor((state / 2 ** 32) * n);
  };
}

/**
 * A provincial panel like Sóc Trăng's: entries from the schools of 11 districts, judges from the province,
 * the nation, districts and schools (so affiliation conflicts abound), 1-2 fields of expertise each, and a
 * recorded conflict for one entry in fifty.
 */
export function benchInstance(entryCount = 5000, judgeCount = 60, k = 3, seed = 2017): { input: AssignmentInput } {
  const int = generator(seed);
  const province = '/VN/ST/';
  const districts = Array.from({ length: 11 }, (_, d) => `${province}D${d}/`);
  const schools = districts.flatMap((d, i) => Array.from({ length: 8 }, (_, s) => `${d}S${i}-${s}/`));
  const entries = Array.from({ length: entryCount }, (_, i) => ({ id: `E${String(i).padStart(5, '0')}`, fieldCode: FIELDS[int(FIELDS.length)], unitPath: schools[int(schools.length)] }));
  const affiliations = [province, '/VN/', null, ...districts, ...schools.slice(0, 10)];
  const judges = Array.from({ length: judgeCount }, (_, i) => {
    const first = FIELDS[int(FIELDS.length)];
    const fieldCodes = int(2) ? [first] : [first, FIELDS[int(FIELDS.length)]];
    return { id: `J${String(i).padStart(3, '0')}`, affiliationPath: affiliations[int(affiliations.length)], fieldCodes, active: true };
  });
  const conflicts = Array.from({ length: Math.floor(entryCount / 50) }, () => ({
    entryId: entries[int(entries.length)].id,
    judgeId: judges[int(judges.length)].id,
    kind: KINDS[int(KINDS.length)],
  }));
  return { input: { entries, judges, stageUnitPath: province, judgesPerEntry: k, conflicts } };
}

export interface AssignmentBench {
  entries: number;
  judges: number;
  k: number;
  ms: number[];
  medianMs: number;
  spread: number;
}

/** Times assignJudges on the bench instance, `runs` times after a warm-up. */
export function benchAssignment(runs: number): AssignmentBench {
  const { input } = benchInstance();
  const ms: number[] = [];
  let spread = 0;
  for (let run = 0; run <= runs; run += 1) {
    const started = process.hrtime.bigint();
    const result = assignJudges(input);
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    if (!result.ok) throw new Error(`The bench panel could not be assigned: ${result.problems.map((p) => p.message).join('; ')}`);
    const counts = result.loads.map((l) => l.count);
    spread = Math.max(...counts) - Math.min(...counts);
    if (run > 0) ms.push(Math.round(elapsed * 10) / 10);
  }
  const sorted = [...ms].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const medianMs = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { entries: input.entries.length, judges: input.judges.length, k: input.judgesPerEntry, ms, medianMs, spread };
}
