import { MigrationInterface, QueryRunner } from 'typeorm';

/** Idempotency keys get a lease (taken over once it runs out), a commit mark, and an index for the expiry sweep. */
export class IdempotencyLease1796000500000 implements MigrationInterface {
  name = 'IdempotencyLease1796000500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Keys claimed before this migration get an already expired lease: their requests are gone.
    await queryRunner.query(`ALTER TABLE "idempotency_keys" ADD "lease_id" uuid, ADD "locked_until" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), ADD "committed_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" ("created_at") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idempotency_keys_created_idx"`);
    await queryRunner.query(`ALTER TABLE "idempotency_keys" DROP COLUMN "committed_at", DROP COLUMN "locked_until", DROP COLUMN "lease_id"`);
  }
}
