import { MigrationInterface, QueryRunner } from 'typeorm';

/** The first schema: unit tree, accounts, contests and editions, entries, audit, outbox, idempotency. */
export class InitialSchema1795427000000 implements MigrationInterface {
  name = 'InitialSchema1795427000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(
      `CREATE TABLE "unit_levels" ("code" text NOT NULL, "name" text NOT NULL, "rank" integer NOT NULL, "is_leaf" boolean NOT NULL DEFAULT false, CONSTRAINT "PK_507de7d4b8fc7c2b77bb846717b" PRIMARY KEY ("code"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "units" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" text NOT NULL, "name" text NOT NULL, "search_key" text NOT NULL, "level_code" text NOT NULL, "parent_id" uuid, "path" text NOT NULL, "depth" integer NOT NULL, "retired_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5a8f2f064919b587d93936cb223" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "units_code_key" ON "units"  ("code") `);
    await queryRunner.query(`CREATE INDEX "units_parent_idx" ON "units"  ("parent_id") `);
    await queryRunner.query(`CREATE INDEX "units_path_idx" ON "units"  ("path") `);
    await queryRunner.query(
      `CREATE TABLE "contests" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" text NOT NULL, "name" text NOT NULL, "unit_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0b8012f5cf6f444a52179e1227a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "contests_unit_idx" ON "contests"  ("unit_id") `);
    await queryRunner.query(
      `CREATE TABLE "editions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "contest_id" uuid NOT NULL, "unit_id" uuid NOT NULL, "number" integer NOT NULL, "season_label" text NOT NULL, "registration_opens_at" TIMESTAMP WITH TIME ZONE NOT NULL, "registration_closes_at" TIMESTAMP WITH TIME ZONE NOT NULL, "eligibility" jsonb NOT NULL, "max_authors" integer NOT NULL, "planned_entries" integer, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "editions_contest_number_key" UNIQUE ("contest_id", "number"), CONSTRAINT "PK_a04f035dd7a1c3f344481cb6a2e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "editions_unit_idx" ON "editions"  ("unit_id") `);
    await queryRunner.query(
      `CREATE TABLE "edition_fields" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "edition_id" uuid NOT NULL, "position" integer NOT NULL, "code" text NOT NULL, "name" text NOT NULL, CONSTRAINT "edition_fields_edition_code_key" UNIQUE ("edition_id", "code"), CONSTRAINT "PK_3a71fb9ac78d23c3f722584cd42" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "rubric_criteria" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "edition_id" uuid NOT NULL, "position" integer NOT NULL, "code" text NOT NULL, "name" text NOT NULL, "max_points" numeric(6,2) NOT NULL, CONSTRAINT "rubric_criteria_edition_code_key" UNIQUE ("edition_id", "code"), CONSTRAINT "PK_8bdb168f88489aa75202269f994" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "stages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "edition_id" uuid NOT NULL, "position" integer NOT NULL, "name" text NOT NULL, "level_code" text NOT NULL, "judged" boolean NOT NULL, "judges_per_entry" integer NOT NULL, "aggregation" text NOT NULL, "discrepancy_spread" numeric(6,2), "tie_break" jsonb NOT NULL DEFAULT '[]', "advancement" jsonb, "prize_scheme" jsonb, CONSTRAINT "stages_edition_position_key" UNIQUE ("edition_id", "position"), CONSTRAINT "PK_16efa0f8f5386328944769b9e6d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "audit_log" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_id" uuid, "unit_path" text NOT NULL, "action" text NOT NULL, "entity_type" text NOT NULL, "entity_id" text NOT NULL, "before" jsonb, "after" jsonb, CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "audit_log_entity_idx" ON "audit_log"  ("entity_type", "entity_id") `);
    await queryRunner.query(`CREATE INDEX "audit_log_unit_path_idx" ON "audit_log"  ("unit_path") `);
    await queryRunner.query(
      `CREATE TABLE "idempotency_keys" ("user_id" uuid NOT NULL, "key" text NOT NULL, "request_hash" text NOT NULL, "response_status" integer, "response_body" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_392b1af86f210d98d3f0c764728" PRIMARY KEY ("user_id", "key"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "outbox" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "event_key" text NOT NULL, "topic" text NOT NULL, "payload" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "enqueued_at" TIMESTAMP WITH TIME ZONE, "delivered_at" TIMESTAMP WITH TIME ZONE, "attempts" integer NOT NULL DEFAULT '0', "last_error" text, CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "outbox_event_key_key" ON "outbox"  ("event_key") `);
    await queryRunner.query(`CREATE INDEX "outbox_pending_idx" ON "outbox"  ("created_at") WHERE enqueued_at IS NULL`);
    await queryRunner.query(
      `CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" text NOT NULL, "full_name" text NOT NULL, "password_hash" text NOT NULL, "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "users_email_key" ON "users"  ("email") `);
    await queryRunner.query(
      `CREATE TABLE "role_grants" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "role" text NOT NULL, "unit_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "role_grants_user_role_unit_key" UNIQUE ("user_id", "role", "unit_id"), CONSTRAINT "PK_f7cf33da46b9f884f2d459e0eff" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "role_grants_user_idx" ON "role_grants"  ("user_id") `);
    await queryRunner.query(`CREATE INDEX "role_grants_unit_idx" ON "role_grants"  ("unit_id") `);
    await queryRunner.query(
      `CREATE TABLE "entries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "edition_id" uuid NOT NULL, "unit_id" uuid NOT NULL, "unit_path" text NOT NULL, "field_id" uuid NOT NULL, "reference" text NOT NULL, "title" text NOT NULL, "summary" text NOT NULL, "contact_name" text NOT NULL, "contact_email" text NOT NULL, "contact_phone" text, "created_year" integer, "status" text NOT NULL DEFAULT 'registered', "search_key" text NOT NULL, "version" integer NOT NULL DEFAULT '1', "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "entries_edition_unit_reference_key" UNIQUE ("edition_id", "unit_id", "reference"), CONSTRAINT "PK_23d4e7e9b58d9939f113832915b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "entries_edition_idx" ON "entries"  ("edition_id") `);
    await queryRunner.query(`CREATE INDEX "entries_unit_path_idx" ON "entries"  ("unit_path") `);
    await queryRunner.query(
      `CREATE TABLE "entry_authors" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "entry_id" uuid NOT NULL, "position" integer NOT NULL, "full_name" text NOT NULL, "birth_date" date, "class_or_job" text, CONSTRAINT "entry_authors_entry_position_key" UNIQUE ("entry_id", "position"), CONSTRAINT "PK_1741d13b97a66b3cbef45e7cfb7" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "entry_stages" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "entry_id" uuid NOT NULL, "stage_id" uuid NOT NULL, "unit_id" uuid NOT NULL, "entered_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "entry_stages_entry_stage_key" UNIQUE ("entry_id", "stage_id"), CONSTRAINT "PK_bbccc48d7aa5ff343e8643420bb" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "entry_stages_stage_unit_idx" ON "entry_stages"  ("stage_id", "unit_id") `);
    await queryRunner.query(
      `CREATE TABLE "dossier_files" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "entry_id" uuid NOT NULL, "original_name" text NOT NULL, "media_type" text NOT NULL, "size_bytes" integer NOT NULL, "sha256" text NOT NULL, "storage_key" text NOT NULL, "uploaded_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6a5993173d78af9522d2486631e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "dossier_files_entry_idx" ON "dossier_files"  ("entry_id") `);
    await queryRunner.query(`ALTER TABLE "units" ADD CONSTRAINT "FK_3d805cbbd21f169a5b2f3d7a6ee" FOREIGN KEY ("level_code") REFERENCES "unit_levels"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "units" ADD CONSTRAINT "FK_e0d04b0849a3cde857ececa8adb" FOREIGN KEY ("parent_id") REFERENCES "units"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "contests" ADD CONSTRAINT "FK_a1c3bb60ad9f4fc276f328a3090" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "editions" ADD CONSTRAINT "FK_66d7d636582f80fecf536adcb40" FOREIGN KEY ("contest_id") REFERENCES "contests"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "editions" ADD CONSTRAINT "FK_ab7f6e3446f2ce203fc9558e4be" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(
      `ALTER TABLE "edition_fields" ADD CONSTRAINT "FK_dbb920b9e0e8ef343e63c69132e" FOREIGN KEY ("edition_id") REFERENCES "editions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "rubric_criteria" ADD CONSTRAINT "FK_f29a477e89c6c686d0680637aaa" FOREIGN KEY ("edition_id") REFERENCES "editions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "stages" ADD CONSTRAINT "FK_40eaf5feee9eab2dc87d27b0193" FOREIGN KEY ("edition_id") REFERENCES "editions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "role_grants" ADD CONSTRAINT "FK_2b1c3c28ffbc09b85170c655d4b" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "role_grants" ADD CONSTRAINT "FK_3d63c6a18fcacc7f6624c51a096" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "entries" ADD CONSTRAINT "FK_fa7cb71389fb6117aba328b5891" FOREIGN KEY ("edition_id") REFERENCES "editions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "entries" ADD CONSTRAINT "FK_dd45cf95277b038cc6d6e5cd464" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "entries" ADD CONSTRAINT "FK_eb63d848eb162f3cde10627d799" FOREIGN KEY ("field_id") REFERENCES "edition_fields"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "entry_authors" ADD CONSTRAINT "FK_870c44d20278b1844f8c9dc8661" FOREIGN KEY ("entry_id") REFERENCES "entries"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "entry_stages" ADD CONSTRAINT "FK_1cfafff5f600748ae822e466c2e" FOREIGN KEY ("entry_id") REFERENCES "entries"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "entry_stages" ADD CONSTRAINT "FK_e2821e433c0d3e9115a1ca24170" FOREIGN KEY ("stage_id") REFERENCES "stages"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "entry_stages" ADD CONSTRAINT "FK_b45b97c95228e0da052586e0ddd" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "dossier_files" ADD CONSTRAINT "FK_6ec93d66082634560d4a7ae3269" FOREIGN KEY ("entry_id") REFERENCES "entries"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    // Prefix (subtree) searches on materialised paths need pattern ops whatever the database collation.
    await queryRunner.query(`DROP INDEX "units_path_idx"`);
    await queryRunner.query(`CREATE INDEX "units_path_idx" ON "units" ("path" text_pattern_ops)`);
    await queryRunner.query(`DROP INDEX "entries_unit_path_idx"`);
    await queryRunner.query(`CREATE INDEX "entries_unit_path_idx" ON "entries" ("unit_path" text_pattern_ops)`);
    await queryRunner.query(`DROP INDEX "audit_log_unit_path_idx"`);
    await queryRunner.query(`CREATE INDEX "audit_log_unit_path_idx" ON "audit_log" ("unit_path" text_pattern_ops)`);
    await queryRunner.query(`CREATE INDEX "entries_search_key_trgm_idx" ON "entries" USING gin ("search_key" gin_trgm_ops)`);
    await queryRunner.query(`CREATE INDEX "units_search_key_trgm_idx" ON "units" USING gin ("search_key" gin_trgm_ops)`);
    await queryRunner.query(`ALTER TABLE "role_grants" ADD CONSTRAINT "role_grants_role_check" CHECK (role IN ('admin', 'organiser', 'school', 'judge', 'chair'))`);
    await queryRunner.query(`ALTER TABLE "entries" ADD CONSTRAINT "entries_status_check" CHECK (status IN ('registered', 'withdrawn'))`);
    await queryRunner.query(`ALTER TABLE "contests" ADD CONSTRAINT "contests_kind_check" CHECK (kind IN ('youth', 'technical'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'dossier_files',
      'entry_stages',
      'entry_authors',
      'entries',
      'role_grants',
      'users',
      'outbox',
      'idempotency_keys',
      'audit_log',
      'stages',
      'rubric_criteria',
      'edition_fields',
      'editions',
      'contests',
      'units',
      'unit_levels',
    ]) {
      await queryRunner.query(`DROP TABLE "${table}" CASCADE`);
    }
  }
}
