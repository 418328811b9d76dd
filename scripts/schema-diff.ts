/**
 * Prints the SQL that would bring the database at DATABASE_URL in line with the entities:
 * the starting point for a new migration (review it, then save it under migrations/).
 *   DATABASE_URL=postgres://… node dist/scripts/schema-diff.js
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/core/database/data-source';
import { ENTITIES } from '../src/entities';
import { MIGRATIONS } from '../migrations';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('Set DATABASE_URL to a scratch database');
  const source = new DataSource(dataSourceOptions(url, ENTITIES, MIGRATIONS));
  await source.initialize();
  await source.runMigrations();
  const sql = await source.driver.createSchemaBuilder().log();
  for (const query of sql.upQueries) console.log(`await queryRunner.query(\`${query.query}\`);`);
  await source.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
