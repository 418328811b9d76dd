import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stages get two judging options, blind judging and judge-bias normalisation. Judging: panels of a stage at a unit with their judges and chair, recorded conflicts, one score sheet per
 * judge and entry (kept when it stops counting), discrepancy flags; and the stage's "scores locked" mark,
 * which judging sets at the first confirmed score and the edition lifecycle reads.
 */
export class JudgingPanels1796004000000 implements MigrationInterface {
  name = 'JudgingPanels1796004000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "judging_panels" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "stage_id" uuid NOT NULL, "unit_id" uuid NOT NULL, "unit_path" text NOT NULL, "name" text NOT NULL, "field_ids" uuid array NOT NULL, "scoring_opens_at" TIMESTAMP WITH TIME ZONE NOT NULL, "scoring_closes_at" TIMESTAMP WITH TIME ZONE NOT NULL, "score_step" numeric(4,2) NOT NULL DEFAULT 0.5, "state" text NOT NULL DEFAULT 'open', "closed_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "judging_panels_step_check" CHECK (score_step > 0), CONSTRAINT "judging_panels_fields_check" CHECK (cardinality(field_ids) > 0), CONSTRAINT "judging_panels_window_check" CHECK (scoring_closes_at > scoring_opens_at), CONSTRAINT "judging_panels_state_check" CHECK (state IN ('open', 'closed')), CONSTRAINT "PK_9d7f1f69a0f7dd54cfa8c01cca2" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "judging_panels_stage_unit_idx" ON "judging_panels"  ("stage_id", "unit_id")`);
    await queryRunner.query(
      `CREATE TABLE "panel_members" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "panel_id" uuid NOT NULL, "user_id" uuid NOT NULL, "role" text NOT NULL, "affiliation_unit_id" uuid, "field_codes" text array NOT NULL DEFAULT '{}', "removed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "panel_members_panel_user_key" UNIQUE ("panel_id", "user_id"), CONSTRAINT "panel_members_role_check" CHECK (role IN ('judge', 'chair')), CONSTRAINT "PK_02b94bfd5935db3ae179578b686" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "panel_members_user_idx" ON "panel_members"  ("user_id")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "panel_members_one_chair_key" ON "panel_members"  ("panel_id") WHERE role = 'chair' AND removed_at IS NULL`);
    await queryRunner.query(
      `CREATE TABLE "judging_conflicts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "panel_id" uuid NOT NULL, "judge_id" uuid NOT NULL, "entry_id" uuid NOT NULL, "kind" text NOT NULL, "note" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "judging_conflicts_panel_judge_entry_key" UNIQUE ("panel_id", "judge_id", "entry_id"), CONSTRAINT "judging_conflicts_kind_check" CHECK (kind IN ('relative', 'supervisor', 'declared', 'other')), CONSTRAINT "PK_08b09f4b38402c34b739a774f0b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "score_sheets" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "panel_id" uuid NOT NULL, "entry_id" uuid NOT NULL, "judge_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'assigned', "active" boolean NOT NULL DEFAULT true, "points" jsonb NOT NULL DEFAULT '{}', "total" numeric(7,2), "comment" text, "version" integer NOT NULL DEFAULT '1', "confirmed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "score_sheets_panel_entry_judge_key" UNIQUE ("panel_id", "entry_id", "judge_id"), CONSTRAINT "score_sheets_total_check" CHECK (total >= 0), CONSTRAINT "score_sheets_status_check" CHECK (status IN ('assigned', 'draft', 'confirmed')), CONSTRAINT "PK_1e6230a5aa8654a69fcb545a90b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "score_sheets_entry_idx" ON "score_sheets"  ("entry_id")`);
    await queryRunner.query(`CREATE INDEX "score_sheets_panel_judge_idx" ON "score_sheets"  ("panel_id", "judge_id")`);
    await queryRunner.query(
      `CREATE TABLE "score_flags" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "panel_id" uuid NOT NULL, "entry_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'open', "spread" numeric(7,2) NOT NULL, "raised_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "settled_at" TIMESTAMP WITH TIME ZONE, "settled_by" uuid, "settlement" text, "note" text, CONSTRAINT "score_flags_settlement_check" CHECK (settlement IN ('accepted', 'rescore', 'add_judge')), CONSTRAINT "score_flags_status_check" CHECK (status IN ('open', 'settled')), CONSTRAINT "PK_9967d14c9e14c517f4ab4166300" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "score_flags_one_open_key" ON "score_flags"  ("panel_id", "entry_id") WHERE status = 'open'`);
    await queryRunner.query(`ALTER TABLE "stages" ADD "scores_locked_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "stages" ADD "blind" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "stages" ADD "normalise_bias" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "judging_panels" ADD CONSTRAINT "FK_judging_panels_stage" FOREIGN KEY ("stage_id") REFERENCES "stages"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "judging_panels" ADD CONSTRAINT "FK_judging_panels_unit" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "panel_members" ADD CONSTRAINT "FK_panel_members_panel" FOREIGN KEY ("panel_id") REFERENCES "judging_panels"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "panel_members" ADD CONSTRAINT "FK_panel_members_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(
      `ALTER TABLE "panel_members" ADD CONSTRAINT "FK_panel_members_affiliation" FOREIGN KEY ("affiliation_unit_id") REFERENCES "units"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "judging_conflicts" ADD CONSTRAINT "FK_judging_conflicts_panel" FOREIGN KEY ("panel_id") REFERENCES "judging_panels"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "judging_conflicts" ADD CONSTRAINT "FK_judging_conflicts_judge" FOREIGN KEY ("judge_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "judging_conflicts" ADD CONSTRAINT "FK_judging_conflicts_entry" FOREIGN KEY ("entry_id") REFERENCES "entries"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "score_sheets" ADD CONSTRAINT "FK_score_sheets_panel" FOREIGN KEY ("panel_id") REFERENCES "judging_panels"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "score_sheets" ADD CONSTRAINT "FK_score_sheets_entry" FOREIGN KEY ("entry_id") REFERENCES "entries"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "score_sheets" ADD CONSTRAINT "FK_score_sheets_judge" FOREIGN KEY ("judge_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "score_flags" ADD CONSTRAINT "FK_score_flags_panel" FOREIGN KEY ("panel_id") REFERENCES "judging_panels"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "score_flags" ADD CONSTRAINT "FK_score_flags_entry" FOREIGN KEY ("entry_id") REFERENCES "entries"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "score_flags" DROP CONSTRAINT "FK_score_flags_entry"`);
    await queryRunner.query(`ALTER TABLE "score_flags" DROP CONSTRAINT "FK_score_flags_panel"`);
    await queryRunner.query(`ALTER TABLE "score_sheets" DROP CONSTRAINT "FK_score_sheets_judge"`);
    await queryRunner.query(`ALTER TABLE "score_sheets" DROP CONSTRAINT "FK_score_sheets_entry"`);
    await queryRunner.query(`ALTER TABLE "score_sheets" DROP CONSTRAINT "FK_score_sheets_panel"`);
    await queryRunner.query(`ALTER TABLE "judging_conflicts" DROP CONSTRAINT "FK_judging_conflicts_entry"`);
    await queryRunner.query(`ALTER TABLE "judging_conflicts" DROP CONSTRAINT "FK_judging_conflicts_judge"`);
    await queryRunner.query(`ALTER TABLE "judging_conflicts" DROP CONSTRAINT "FK_judging_conflicts_panel"`);
    await queryRunner.query(`ALTER TABLE "panel_members" DROP CONSTRAINT "FK_panel_members_affiliation"`);
    await queryRunner.query(`ALTER TABLE "panel_members" DROP CONSTRAINT "FK_panel_members_user"`);
    await queryRunner.query(`ALTER TABLE "panel_members" DROP CONSTRAINT "FK_panel_members_panel"`);
    await queryRunner.query(`ALTER TABLE "judging_panels" DROP CONSTRAINT "FK_judging_panels_unit"`);
    await queryRunner.query(`ALTER TABLE "judging_panels" DROP CONSTRAINT "FK_judging_panels_stage"`);
    await queryRunner.query(`ALTER TABLE "stages" DROP COLUMN "normalise_bias"`);
    await queryRunner.query(`ALTER TABLE "stages" DROP COLUMN "blind"`);
    await queryRunner.query(`ALTER TABLE "stages" DROP COLUMN "scores_locked_at"`);
    await queryRunner.query(`DROP INDEX "public"."score_flags_one_open_key"`);
    await queryRunner.query(`DROP TABLE "score_flags"`);
    await queryRunner.query(`DROP INDEX "public"."score_sheets_panel_judge_idx"`);
    await queryRunner.query(`DROP INDEX "public"."score_sheets_entry_idx"`);
    await queryRunner.query(`DROP TABLE "score_sheets"`);
    await queryRunner.query(`DROP TABLE "judging_conflicts"`);
    await queryRunner.query(`DROP INDEX "public"."panel_members_one_chair_key"`);
    await queryRunner.query(`DROP INDEX "public"."panel_members_user_idx"`);
    await queryRunner.query(`DROP TABLE "panel_members"`);
    await queryRunner.query(`DROP INDEX "public"."judging_panels_stage_unit_idx"`);
    await queryRunner.query(`DROP TABLE "judging_panels"`);
  }
}
