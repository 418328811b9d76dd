import { DataSourceOptions } from 'typeorm';
import { IdempotencyCommitMark } from '../idempotency/idempotency-scope';

/** Data source options shared by the app, migrations, tests and benchmarks. */
export function dataSourceOptions(url: string, entities: DataSourceOptions['entities'], migrations: DataSourceOptions['migrations']): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    subscribers: [IdempotencyCommitMark],
    migrationsRun: false,
    synchronize: false,
    uuidExtension: 'pgcrypto',
    migrationsTransactionMode: 'each',
    extra: { max: 20, connectionTimeoutMillis: 5000 },
  };
}
