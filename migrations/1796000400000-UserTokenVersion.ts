import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tokens carry the user's token version; bumping it (password change, logout, (de)activation) revokes every older token. */
export class UserTokenVersion1796000400000 implements MigrationInterface {
  name = 'UserTokenVersion1796000400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "token_version" integer NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "token_version"`);
  }
}
