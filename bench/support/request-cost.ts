import { Client } from 'pg';
import { backendsCpuMsOf, cpuMsOf } from './processes';

/**
 * What one answered request of a load run cost, whatever else ran on the machine: CPU ms of the server process, of the
 * PostgreSQL backends serving it and of the load client, and database transactions (a statement run outside a
 * transaction counts as one). Null where /proc is missing.
 */
export interface RequestCost {
  apiCpuMs: number | null;
  databaseCpuMs: number | null;
  clientCpuMs: number;
  transactions: number;
}

/** Measures RequestCost on `database` (read through `adminUrl`); close it when done. */
export class RequestCostMeter {
  private readonly stats: Client;

  private constructor(
    adminUrl: string,
    private readonly database: string,
  ) {
    this.stats = new Client({ connectionString: adminUrl });
  }

  static async open(adminUrl: string, database: string): Promise<RequestCostMeter> {
    const meter = new RequestCostMeter(adminUrl, database);
    await meter.stats.connect();
    return meter;
  }

  /** `run` (one load run, alone on the database) and what each of its requests cost the server process `pid`. */
  async measure<T extends { requests: number }>(pid: number, run: () => Promise<T>): Promise<[T, RequestCost]> {
    const before = { server: cpuMsOf(pid), database: backendsCpuMsOf(this.database), client: process.cpuUsage(), transactions: await this.transactions() };
    const result = await run();
    // PostgreSQL sends a backend's counts at most twice a second, and when it goes idle: let them arrive.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const transactions = await this.transactions();
    const [server, database] = [cpuMsOf(pid), backendsCpuMsOf(this.database)];
    const clientCpu = process.cpuUsage(before.client);
    const per = (total: number) => Math.round((total / result.requests) * 100) / 100;
    const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : per(b - a));
    return [
      result,
      {
        apiCpuMs: delta(before.server, server),
        databaseCpuMs: delta(before.database, database),
        clientCpuMs: per((clientCpu.user + clientCpu.system) / 1000),
        transactions: per(transactions - before.transactions),
      },
    ];
  }

  close(): Promise<void> {
    return this.stats.end();
  }

  private async transactions(): Promise<number> {
    // The statistics a backend sends at its transaction's end are read as of a snapshot: take a fresh one.
    await this.stats.query('SELECT pg_stat_clear_snapshot()');
    const [row] = (await this.stats.query('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1', [this.database])).rows;
    return Number(row.n);
  }
}

/** "API 1.2 ms, PostgreSQL 0.9 ms, client 0.1 ms CPU; 0.05 transactions" per request. */
export function formatCost(cost: RequestCost): string {
  return `API ${cost.apiCpuMs ?? '–'} ms, PostgreSQL ${cost.databaseCpuMs ?? '–'} ms, client ${cost.clientCpuMs} ms CPU; ${cost.transactions} transactions`;
}
