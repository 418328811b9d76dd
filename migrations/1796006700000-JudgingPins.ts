import { MigrationInterface, QueryRunner } from 'typeorm';

/** Judges an organiser pins to an entry of a panel: the assignment keeps them among the entry's judges. */
export class JudgingPins1796006700000 implements MigrationInterface {
  name = 'JudgingPins1796006700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "judging_pins" ("panel_id" uuid NOT NULL, "entry_id" uuid NOT NULL, "judge_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_judging_pins" PRIMARY KEY ("panel_id", "entry_id", "judge_id"))`,
    );
    await queryRunner.query(`ALTER TABLE "judging_pins" ADD CONSTRAINT "FK_judging_pins_panel" FOREIGN KEY ("panel_id") REFERENCES "judging_panels"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "judging_pins" ADD CONSTRAINT "FK_judging_pins_entry" FOREIGN KEY ("entry_id") REFERENCES "entries"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "judging_pins" ADD CONSTRAINT "FK_judging_pins_judge" FOREIGN KEY ("judge_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "judging_pins"`);
  }
}
