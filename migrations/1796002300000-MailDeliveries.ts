import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mail by catalogue kind: delivery records keyed by (event, recipient, kind), the recipient's language, requeues
 * by an administrator, and one-time password links. Undelivered registration mails written in the old payload shape
 * ({template, to[], data}) are rewritten to the catalogue's shape so they still go out.
 */
export class MailDeliveries1796002300000 implements MigrationInterface {
  name = 'MailDeliveries1796002300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "password_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "purpose" text NOT NULL, "token_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "password_tokens_purpose_check" CHECK (purpose IN ('welcome', 'reset')), CONSTRAINT "PK_816120c39410c02dabd34b8672b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "password_tokens_user_idx" ON "password_tokens"  ("user_id") `);
    await queryRunner.query(
      `CREATE TABLE "mail_deliveries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "outbox_id" uuid NOT NULL, "event_key" text NOT NULL, "recipient" text NOT NULL, "kind" text NOT NULL, "status" text NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "sent_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "mail_deliveries_event_recipient_kind_key" UNIQUE ("event_key", "recipient", "kind"), CONSTRAINT "mail_deliveries_status_check" CHECK (status IN ('pending', 'sent', 'failed')), CONSTRAINT "PK_c3b04f863547fccfd11b4d4b11e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "mail_deliveries_outbox_idx" ON "mail_deliveries"  ("outbox_id") `);
    await queryRunner.query(`CREATE INDEX "mail_deliveries_status_idx" ON "mail_deliveries"  ("status", "id") `);
    await queryRunner.query(`ALTER TABLE "outbox" ADD "requeues" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "users" ADD "language" text NOT NULL DEFAULT 'vi'`);
    await queryRunner.query(`ALTER TABLE "users" ADD CONSTRAINT "users_language_check" CHECK (language IN ('vi', 'en'))`);
    await queryRunner.query(`ALTER TABLE "password_tokens" ADD CONSTRAINT "FK_5ac1fd8593c46bf145b2b886195" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(
      `UPDATE outbox SET payload = jsonb_build_object(
         'kind', 'entries-registered',
         'to', payload->'to'->>0,
         'data', jsonb_build_object(
           'schoolName', payload->'data'->'schoolName', 'contestName', payload->'data'->'contestName',
           'editionNumber', payload->'data'->'editionNumber', 'seasonLabel', payload->'data'->'seasonLabel',
           'entries', jsonb_build_array(jsonb_build_object('id', payload->'data'->'entryId', 'title', payload->'data'->'entryTitle', 'reference', payload->'data'->'reference'))))
        WHERE topic = 'mail' AND delivered_at IS NULL AND payload->>'template' = 'entry-registered'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "password_tokens" DROP CONSTRAINT "FK_5ac1fd8593c46bf145b2b886195"`);
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "users_language_check"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "language"`);
    await queryRunner.query(`ALTER TABLE "outbox" DROP COLUMN "requeues"`);
    await queryRunner.query(`DROP INDEX "public"."mail_deliveries_status_idx"`);
    await queryRunner.query(`DROP INDEX "public"."mail_deliveries_outbox_idx"`);
    await queryRunner.query(`DROP TABLE "mail_deliveries"`);
    await queryRunner.query(`DROP INDEX "public"."password_tokens_user_idx"`);
    await queryRunner.query(`DROP TABLE "password_tokens"`);
  }
}
