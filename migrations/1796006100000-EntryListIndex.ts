import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The entry list's order as an index: within an edition, by unit path (a scope is a prefix of it, so a province
 * is one range) then reference and id, in byte order so that a LIKE prefix on the path is a range of it. A page
 * is the first rows of that range after the cursor; the field and status ride along so a capped count of the
 * filtered list reads the index alone. It starts with the edition, so the index on the edition alone goes.
 */
export class EntryListIndex1796006100000 implements MigrationInterface {
  name = 'EntryListIndex1796006100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "entries_list_idx" ON "entries" ("edition_id", "unit_path" COLLATE "C", "reference" COLLATE "C", "id") INCLUDE ("field_id", "status")`);
    await queryRunner.query(`DROP INDEX "entries_edition_idx"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "entries_edition_idx" ON "entries" ("edition_id")`);
    await queryRunner.query(`DROP INDEX "entries_list_idx"`);
  }
}
