import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An entry's current stage (the furthest it reached) and the unit running it there, kept on the entry as its stage
 * records are written (EntriesRepository and StageEntries write both in one statement): a list page names it by id
 * rather than sorting each entry's stage records, which was a third of the page's database time.
 */
export class EntryCurrentStage1796007100000 implements MigrationInterface {
  name = 'EntryCurrentStage1796007100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "entries" ADD "current_stage_id" uuid, ADD "current_stage_unit_id" uuid`);
    await queryRunner.query(
      `UPDATE entries e SET current_stage_id = c.stage_id, current_stage_unit_id = c.unit_id
         FROM (SELECT DISTINCT ON (es.entry_id) es.entry_id, es.stage_id, es.unit_id FROM entry_stages es JOIN stages s ON s.id = es.stage_id
                ORDER BY es.entry_id, s.position DESC) c
        WHERE c.entry_id = e.id`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "entries" DROP COLUMN "current_stage_unit_id", DROP COLUMN "current_stage_id"`);
  }
}
