/**
 * The bench suite's one table: every module returns rows, each figure beside the ceiling measured in the same run
 * (and their ratio) or the target it is held to, with the machine's load average when the module ended.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { formatTable } from './stats';

export interface BenchRow {
  figure: string;
  value: number | null;
  unit: string;
  /** The same quantity measured in the same run by the simplest thing that could do the work. */
  ceiling?: number | null;
  ceilingFigure?: string;
  /** value / ceiling (for times: ceiling / value), so that 1 is "as fast as the ceiling". */
  ratio?: number | null;
  /** What the figure must reach, in words (e.g. "≥ 0.5 of ceiling", "< 600 s"). */
  target?: string;
  /** One-minute load average when the figure was measured (the module's end when the row does not say). */
  load?: number;
}

export interface BenchContext {
  root: string;
  /** A PostgreSQL server URL whose user may create databases. */
  adminUrl: string;
  quick: boolean;
}

export interface BenchModule {
  name: string;
  run(context: BenchContext): Promise<{ rows: BenchRow[]; details?: unknown; text?: string }>;
}

export interface ModuleResult {
  module: string;
  seconds: number;
  load: number;
  rows: BenchRow[];
}

const number = (x: number | null | undefined, unit = '') => (x === null || x === undefined ? '–' : `${x.toLocaleString('en', { maximumFractionDigits: x < 10 ? 2 : x < 1000 ? 1 : 0 })}${unit}`);

export function suiteTable(results: ModuleResult[]): string {
  const rows = [['module', 'figure', 'value', 'ceiling (same run)', 'ceiling', 'ratio', 'target', 'load']];
  for (const r of results) {
    for (const row of r.rows) {
      rows.push([
        r.module,
        row.figure,
        number(row.value, ` ${row.unit}`),
        row.ceilingFigure ?? '–',
        number(row.ceiling, row.ceiling === undefined || row.ceiling === null ? '' : ` ${row.unit}`),
        row.ratio === undefined || row.ratio === null ? '–' : row.ratio.toFixed(3),
        row.target ?? '',
        (row.load ?? r.load).toFixed(2),
      ]);
    }
  }
  return formatTable(rows, [2, 4, 5, 7]);
}

const marker = (module: string, end: 'start' | 'end') => `<!-- bench:${module}:${end} -->`;

/**
 * Replaces each module's generated part of BENCHMARKS.md (between its markers) with this run's table and header;
 * modules this run left out (`--only`) and the prose around the tables stay as they were.
 */
export function updateBenchmarksMd(path: string, results: ModuleResult[], header: string): void {
  let text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n\nWritten by `npm run bench` (see README, "Benchmarks"): the latest run of each module.\n';
  for (const result of results) {
    const [start, end] = [marker(result.module, 'start'), marker(result.module, 'end')];
    const generated = `${start}\n\n## ${result.module}\n\n${header}; this module ${result.seconds} s, load average ${result.load.toFixed(2)} at its end.\n\n\`\`\`\n${suiteTable([result])}\n\`\`\`\n\n${end}`;
    const at = text.indexOf(start);
    const to = text.indexOf(end);
    text = at >= 0 && to > at ? `${text.slice(0, at)}${generated}${text.slice(to + end.length)}` : `${text.trimEnd()}\n\n${generated}\n`;
  }
  writeFileSync(path, text);
}
