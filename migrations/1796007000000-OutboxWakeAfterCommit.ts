import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox no longer notifies from inside the writing transaction: a transaction that sends NOTIFY holds
 * PostgreSQL's cluster-wide notify lock through its commit and disk flush, so every writer of mail (each registration)
 * committed one at a time. The app now notifies `outbox_pending` itself once the transaction has committed
 * (src/core/outbox/outbox-wake.ts).
 */
export class OutboxWakeAfterCommit1796007000000 implements MigrationInterface {
  name = 'OutboxWakeAfterCommit1796007000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER outbox_notify ON outbox`);
    await queryRunner.query(`DROP FUNCTION outbox_notify()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('outbox_pending', ''); RETURN NULL; END $$`);
    await queryRunner.query(`CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`);
  }
}
