import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { dataSourceOptions } from './data-source';

const MIGRATION_LOCK = 727_001;

/** Runs pending migrations; an advisory lock lets several API processes boot at once. */
export async function runMigrations(url: string): Promise<string[]> {
  const source = new DataSource(dataSourceOptions(url, [], MIGRATIONS));
  await source.initialize();
  try {
    await source.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      return (await source.runMigrations({ transaction: 'each' })).map((m) => m.name);
    } finally {
      await source.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await source.destroy();
  }
}
