import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Results: published prize lists (versions and their items, which nothing may change once written), the
 * record of every advancement from one stage to the next, and the windows in which schools pick entries.
 */
export class Results1796005000000 implements MigrationInterface {
  name = 'Results1796005000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "prize_lists" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "stage_id" uuid NOT NULL, "unit_id" uuid NOT NULL, "unit_path" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "prize_lists_stage_unit_key" UNIQUE ("stage_id", "unit_id"), CONSTRAINT "PK_4984d944f12296b95fd3f5fc587" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "prize_list_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "prize_list_id" uuid NOT NULL, "version" integer NOT NULL, "phase" text NOT NULL, "objection_ends_at" TIMESTAMP WITH TIME ZONE, "reason" text, "published_by" uuid NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "levels" jsonb NOT NULL, CONSTRAINT "prize_list_versions_list_version_key" UNIQUE ("prize_list_id", "version"), CONSTRAINT "prize_list_versions_phase_check" CHECK (phase IN ('provisional', 'final')), CONSTRAINT "PK_44b738372114689c74cb62afe3f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "prize_list_items" ("version_id" uuid NOT NULL, "entry_id" uuid NOT NULL, "position" integer NOT NULL, "rank" integer, "score" numeric(7,3), "prize_code" text, "prize_name" text, "prize_money" bigint NOT NULL DEFAULT '0', "field_code" text NOT NULL, "field_name" text NOT NULL, "reference" text NOT NULL, "title" text NOT NULL, "authors" text NOT NULL, "school_name" text NOT NULL, "district_name" text, "reason" jsonb NOT NULL, CONSTRAINT "PK_a86e3f2b256544b4d3d19ac9ed0" PRIMARY KEY ("version_id", "entry_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "prize_list_items_entry_idx" ON "prize_list_items"  ("entry_id")`);
    await queryRunner.query(
      `CREATE TABLE "advancements" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "entry_id" uuid NOT NULL, "from_stage_id" uuid NOT NULL, "from_unit_id" uuid NOT NULL, "to_stage_id" uuid NOT NULL, "to_unit_id" uuid NOT NULL, "score" numeric(7,3), "rank" integer, "rule" text NOT NULL, "actor_id" uuid NOT NULL, "advanced_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "advancements_entry_stage_key" UNIQUE ("entry_id", "to_stage_id"), CONSTRAINT "PK_59b81e5d36c1e661c52c5fa3e4b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "advancements_from_idx" ON "advancements"  ("from_stage_id", "from_unit_id")`);
    await queryRunner.query(
      `CREATE TABLE "pick_windows" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "stage_id" uuid NOT NULL, "unit_id" uuid NOT NULL, "unit_path" text NOT NULL, "opens_at" TIMESTAMP WITH TIME ZONE NOT NULL, "closes_at" TIMESTAMP WITH TIME ZONE NOT NULL, "set_by" uuid NOT NULL, CONSTRAINT "pick_windows_stage_unit_key" UNIQUE ("stage_id", "unit_id"), CONSTRAINT "pick_windows_order_check" CHECK (closes_at > opens_at), CONSTRAINT "PK_65c44666786955a8ffddc248c21" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`ALTER TABLE "prize_lists" ADD CONSTRAINT "FK_7ca94423d2dcf546c5caf55a1d4" FOREIGN KEY ("stage_id") REFERENCES "stages"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "prize_lists" ADD CONSTRAINT "FK_a6c06ccf83b5c6a66b515a55adb" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(
      `ALTER TABLE "prize_list_versions" ADD CONSTRAINT "FK_f25787998b8ce86e5e02b9737e7" FOREIGN KEY ("prize_list_id") REFERENCES "prize_lists"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "prize_list_versions" ADD CONSTRAINT "FK_4fe4521ff02fb6687563292614f" FOREIGN KEY ("published_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "prize_list_items" ADD CONSTRAINT "FK_c526efea3263e7308f80ddb3a30" FOREIGN KEY ("version_id") REFERENCES "prize_list_versions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "prize_list_items" ADD CONSTRAINT "FK_32c9d18f2c06238c0d3dd5ccb89" FOREIGN KEY ("entry_id") REFERENCES "entries"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "advancements" ADD CONSTRAINT "FK_73c082f22ce8a07d78deb551e12" FOREIGN KEY ("entry_id") REFERENCES "entries"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(
      `ALTER TABLE "advancements" ADD CONSTRAINT "FK_72edf60374a5058f2d3dda4b53a" FOREIGN KEY ("from_stage_id") REFERENCES "stages"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "advancements" ADD CONSTRAINT "FK_d4c1a4c521ede8264d2b0df6f81" FOREIGN KEY ("from_unit_id") REFERENCES "units"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "advancements" ADD CONSTRAINT "FK_208e85a48c11b8fb2f8c7b904d3" FOREIGN KEY ("to_stage_id") REFERENCES "stages"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "advancements" ADD CONSTRAINT "FK_a930b0678d7780e0b0ce3db0065" FOREIGN KEY ("to_unit_id") REFERENCES "units"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "advancements" ADD CONSTRAINT "FK_b86789193f23fedfd84dad5ac3b" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "pick_windows" ADD CONSTRAINT "FK_9488be081260c690ee0476819c3" FOREIGN KEY ("stage_id") REFERENCES "stages"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "pick_windows" ADD CONSTRAINT "FK_5d7ec290457abce4f81853950b2" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "pick_windows" ADD CONSTRAINT "FK_2b3dc520565e449e98c745e4c94" FOREIGN KEY ("set_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    // A published version is what people were told: a correction is a new version, never an edit.
    await queryRunner.query(`CREATE FUNCTION published_prize_lists_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'published prize lists never change: publish a correction instead'; END $$`);
    await queryRunner.query(`CREATE TRIGGER prize_list_versions_immutable BEFORE UPDATE OR DELETE ON "prize_list_versions" FOR EACH ROW EXECUTE FUNCTION published_prize_lists_are_immutable()`);
    await queryRunner.query(`CREATE TRIGGER prize_list_items_immutable BEFORE UPDATE OR DELETE ON "prize_list_items" FOR EACH ROW EXECUTE FUNCTION published_prize_lists_are_immutable()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['pick_windows', 'advancements', 'prize_list_items', 'prize_list_versions', 'prize_lists']) await queryRunner.query(`DROP TABLE "${table}" CASCADE`);
    await queryRunner.query(`DROP FUNCTION published_prize_lists_are_immutable()`);
  }
}
