import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every statement that writes outbox rows notifies `outbox_pending` (delivered when its transaction commits, once
 * per transaction): the relay takes new mail up at once instead of at its next poll.
 */
export class OutboxNotify1796006900000 implements MigrationInterface {
  name = 'OutboxNotify1796006900000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('outbox_pending', ''); RETURN NULL; END $$`);
    await queryRunner.query(`CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER outbox_notify ON outbox`);
    await queryRunner.query(`DROP FUNCTION outbox_notify()`);
  }
}
