import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cusp re-judging and scoring reminders: a stage says whether a re-judging's scores replace or join the earlier
 * ones; each score sheet names its round (1, then one more per re-judging of its entry); a panel says how long
 * before its scoring window closes its judges are reminded, and for which closing time the reminder went out.
 */
export class JudgingRounds1796006400000 implements MigrationInterface {
  name = 'JudgingRounds1796006400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "stages" ADD "rejudge_mode" text NOT NULL DEFAULT 'join'`);
    await queryRunner.query(`ALTER TABLE "stages" ADD CONSTRAINT "stages_rejudge_mode_check" CHECK (rejudge_mode IN ('replace', 'join'))`);
    await queryRunner.query(`ALTER TABLE "score_sheets" ADD "round" integer NOT NULL DEFAULT 1`);
    await queryRunner.query(`ALTER TABLE "score_sheets" ADD CONSTRAINT "score_sheets_round_check" CHECK (round >= 1)`);
    await queryRunner.query(`ALTER TABLE "judging_panels" ADD "reminder_lead_hours" integer NOT NULL DEFAULT 24`);
    await queryRunner.query(`ALTER TABLE "judging_panels" ADD "reminded_for" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "judging_panels" ADD CONSTRAINT "judging_panels_reminder_check" CHECK (reminder_lead_hours BETWEEN 1 AND 720)`);
    // The reminder sweep looks for open panels whose reminder for the current closing time has not gone out.
    await queryRunner.query(`CREATE INDEX "judging_panels_reminder_due_idx" ON "judging_panels" ("scoring_closes_at") WHERE state = 'open'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "judging_panels_reminder_due_idx"`);
    await queryRunner.query(`ALTER TABLE "judging_panels" DROP CONSTRAINT "judging_panels_reminder_check"`);
    await queryRunner.query(`ALTER TABLE "judging_panels" DROP COLUMN "reminded_for"`);
    await queryRunner.query(`ALTER TABLE "judging_panels" DROP COLUMN "reminder_lead_hours"`);
    await queryRunner.query(`ALTER TABLE "score_sheets" DROP CONSTRAINT "score_sheets_round_check"`);
    await queryRunner.query(`ALTER TABLE "score_sheets" DROP COLUMN "round"`);
    await queryRunner.query(`ALTER TABLE "stages" DROP CONSTRAINT "stages_rejudge_mode_check"`);
    await queryRunner.query(`ALTER TABLE "stages" DROP COLUMN "rejudge_mode"`);
  }
}
