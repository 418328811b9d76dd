import { MigrationInterface, QueryRunner } from 'typeorm';

/** The job that carries an outbox row (mail rows travel several to a job): the lost-job sweep asks Redis for it. */
export class OutboxJobId1796006300000 implements MigrationInterface {
  name = 'OutboxJobId1796006300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbox" ADD "job_id" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbox" DROP COLUMN "job_id"`);
  }
}
