import { DataSourceOptions } from 'typeorm';

/** Data source options shared by the app, migrations, tests and benchmarks. */
export function dataSourceOptions(url: string, entities: DataSourceOptions['entities'], migrations: DataSourceOptions['migrations']): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsRun: false,
    synchronize: false,
    uuidExtension: 'pgcrypto',
    migrationsTransactionMode: 'each',
    extra: { max: 20, connectionTimeoutMillis: 5000 },
  };
}
