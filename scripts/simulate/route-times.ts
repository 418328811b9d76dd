/**
 * Where a season's time goes, by route: each request's wall time under its route pattern (ids and codes replaced),
 * so a phase that is slow can be told apart as many cheap calls (round trips) or a few expensive ones.
 */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export interface RouteTime {
  route: string;
  requests: number;
  /** Summed wall time of the requests, seconds (requests in flight at once overlap). */
  seconds: number;
  slowestMs: number;
}

export class RouteTimes {
  private readonly byRoute = new Map<string, RouteTime>();

  record(method: string, path: string, ms: number): void {
    const route = `${method} ${path.split('?')[0].replace(UUID, ':id')}`;
    const seen = this.byRoute.get(route) ?? { route, requests: 0, seconds: 0, slowestMs: 0 };
    seen.requests += 1;
    seen.seconds += ms / 1000;
    seen.slowestMs = Math.max(seen.slowestMs, ms);
    this.byRoute.set(route, seen);
  }

  /** What was recorded since the last call, costliest first; the record starts again empty. */
  take(): RouteTime[] {
    const out = [...this.byRoute.values()].map((r) => ({ ...r, seconds: Math.round(r.seconds * 100) / 100, slowestMs: Math.round(r.slowestMs) })).sort((a, b) => b.seconds - a.seconds);
    this.byRoute.clear();
    return out;
  }
}

/** One line per route, for the phase log: `PUT /panels/:id/entries/:id/sheet 2,040 × 61 ms`. */
export function describeRouteTimes(routes: RouteTime[], top = 3): string[] {
  return routes.slice(0, top).map((r) => `    ${r.route}  ${r.requests.toLocaleString('en')} × ${Math.round((r.seconds * 1000) / r.requests)} ms (slowest ${r.slowestMs} ms)`);
}
