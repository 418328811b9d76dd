import type { Scenario } from './scenario';

/**
 * A smaller (or larger) run of a generated scenario: entries, units given as a total, and selection totals times
 * `factor` (at least 1 each). Explicit data and per-parent counts stay; the expectations no longer apply and go.
 */
export function scaleScenario(scenario: Scenario, factor: number): Scenario {
  if (factor === 1) return scenario;
  const times = (n: number) => Math.max(1, Math.round(n * factor));
  return {
    ...scenario,
    generate: scenario.generate && {
      units: scenario.generate.units?.map((u) => (u.total === undefined ? u : { ...u, total: times(u.total) })),
      entries: scenario.generate.entries && { ...scenario.generate.entries, total: times(scenario.generate.entries.total) },
    },
    play: scenario.play.map((p) => (p.select?.total === undefined ? p : { ...p, select: { ...p.select, total: times(p.select.total) } })),
    expect: undefined,
  };
}
