import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Editions get a state (draft → registration → judging → results → closed) and can be archived; the schema
 * now holds the rules the code checks: stage levels exist and appear once per edition, aggregation and
 * counts are in range, windows are in order, codes are unique without case, and entries and dossier files
 * name real users.
 */
export class EditionLifecycle1796001000000 implements MigrationInterface {
  name = 'EditionLifecycle1796001000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Editions made before states existed were open to registration by their window alone.
    await queryRunner.query(`ALTER TABLE "editions" ADD "state" text NOT NULL DEFAULT 'registration'`);
    await queryRunner.query(`ALTER TABLE "editions" ALTER COLUMN "state" SET DEFAULT 'draft'`);
    await queryRunner.query(`ALTER TABLE "editions" ADD "archived_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "editions" ADD "archive_reason" text`);
    await queryRunner.query(`ALTER TABLE "editions" ADD CONSTRAINT "editions_state_check" CHECK (state IN ('draft', 'registration', 'judging', 'results', 'closed'))`);
    await queryRunner.query(`ALTER TABLE "editions" ADD CONSTRAINT "editions_window_check" CHECK (registration_closes_at > registration_opens_at)`);
    await queryRunner.query(`ALTER TABLE "editions" ADD CONSTRAINT "editions_max_authors_check" CHECK (max_authors >= 1)`);
    await queryRunner.query(`ALTER TABLE "rubric_criteria" ADD CONSTRAINT "rubric_criteria_points_check" CHECK (max_points > 0)`);
    await queryRunner.query(`ALTER TABLE "stages" ADD CONSTRAINT "stages_edition_level_key" UNIQUE ("edition_id", "level_code")`);
    await queryRunner.query(`ALTER TABLE "stages" ADD CONSTRAINT "stages_aggregation_check" CHECK (aggregation IN ('mean', 'trimmed_mean'))`);
    await queryRunner.query(`ALTER TABLE "stages" ADD CONSTRAINT "stages_judges_check" CHECK (judges_per_entry >= 0)`);
    await queryRunner.query(`ALTER TABLE "stages" ADD CONSTRAINT "FK_stages_level" FOREIGN KEY ("level_code") REFERENCES "unit_levels"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`DROP INDEX "units_code_key"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "units_code_key" ON "units" (lower(code))`);
    await queryRunner.query(`ALTER TABLE "edition_fields" DROP CONSTRAINT "edition_fields_edition_code_key"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "edition_fields_edition_code_key" ON "edition_fields" ("edition_id", lower(code))`);
    await queryRunner.query(`CREATE INDEX "entries_field_idx" ON "entries" ("field_id")`);
    await queryRunner.query(`ALTER TABLE "entries" ADD CONSTRAINT "FK_entries_created_by" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "dossier_files" ADD CONSTRAINT "FK_dossier_files_uploaded_by" FOREIGN KEY ("uploaded_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "dossier_files" DROP CONSTRAINT "FK_dossier_files_uploaded_by"`);
    await queryRunner.query(`ALTER TABLE "entries" DROP CONSTRAINT "FK_entries_created_by"`);
    await queryRunner.query(`DROP INDEX "entries_field_idx"`);
    await queryRunner.query(`DROP INDEX "edition_fields_edition_code_key"`);
    await queryRunner.query(`ALTER TABLE "edition_fields" ADD CONSTRAINT "edition_fields_edition_code_key" UNIQUE ("edition_id", "code")`);
    await queryRunner.query(`DROP INDEX "units_code_key"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "units_code_key" ON "units" ("code")`);
    await queryRunner.query(`ALTER TABLE "stages" DROP CONSTRAINT "FK_stages_level"`);
    await queryRunner.query(`ALTER TABLE "stages" DROP CONSTRAINT "stages_judges_check"`);
    await queryRunner.query(`ALTER TABLE "stages" DROP CONSTRAINT "stages_aggregation_check"`);
    await queryRunner.query(`ALTER TABLE "stages" DROP CONSTRAINT "stages_edition_level_key"`);
    await queryRunner.query(`ALTER TABLE "rubric_criteria" DROP CONSTRAINT "rubric_criteria_points_check"`);
    await queryRunner.query(`ALTER TABLE "editions" DROP CONSTRAINT "editions_max_authors_check"`);
    await queryRunner.query(`ALTER TABLE "editions" DROP CONSTRAINT "editions_window_check"`);
    await queryRunner.query(`ALTER TABLE "editions" DROP CONSTRAINT "editions_state_check"`);
    await queryRunner.query(`ALTER TABLE "editions" DROP COLUMN "archive_reason"`);
    await queryRunner.query(`ALTER TABLE "editions" DROP COLUMN "archived_at"`);
    await queryRunner.query(`ALTER TABLE "editions" DROP COLUMN "state"`);
  }
}
