import { MigrationInterface, QueryRunner } from 'typeorm';

/** An enterprise or organisation account holds `organisation`, the school role's twin at an organisation unit. */
export class OrganisationRole1796002500000 implements MigrationInterface {
  name = 'OrganisationRole1796002500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "role_grants" DROP CONSTRAINT IF EXISTS "role_grants_role_check"`);
    await queryRunner.query(`ALTER TABLE "role_grants" ADD CONSTRAINT "role_grants_role_check" CHECK (role IN ('admin', 'organiser', 'school', 'organisation', 'judge', 'chair'))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "role_grants" DROP CONSTRAINT "role_grants_role_check"`);
    await queryRunner.query(`ALTER TABLE "role_grants" ADD CONSTRAINT "role_grants_role_check" CHECK (role IN ('admin', 'organiser', 'school', 'judge', 'chair'))`);
  }
}
