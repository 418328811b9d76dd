import { MigrationInterface, QueryRunner } from 'typeorm';

/** Foreign keys a user can run into, renamed for what they guard (the error filter names them); what they restrict is unchanged. */
const RENAMED: Array<[table: string, from: string, to: string]> = [
  ['entries', 'FK_fa7cb71389fb6117aba328b5891', 'entries_edition_fkey'],
  ['entries', 'FK_dd45cf95277b038cc6d6e5cd464', 'entries_unit_fkey'],
  ['entries', 'FK_eb63d848eb162f3cde10627d799', 'entries_field_fkey'],
  ['entry_stages', 'FK_e2821e433c0d3e9115a1ca24170', 'entry_stages_stage_fkey'],
  ['entry_stages', 'FK_b45b97c95228e0da052586e0ddd', 'entry_stages_unit_fkey'],
  ['contests', 'FK_a1c3bb60ad9f4fc276f328a3090', 'contests_unit_fkey'],
  ['editions', 'FK_ab7f6e3446f2ce203fc9558e4be', 'editions_unit_fkey'],
  ['role_grants', 'FK_3d63c6a18fcacc7f6624c51a096', 'role_grants_unit_fkey'],
  ['units', 'FK_e0d04b0849a3cde857ececa8adb', 'units_parent_fkey'],
];

/**
 * Upward checks are foreign keys with meaningful names; the outbox gets the indexes its lost-mail sweep and its
 * retention (delivered rows deleted after a while) read.
 */
export class DomainSeams1796003000000 implements MigrationInterface {
  name = 'DomainSeams1796003000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, from, to] of RENAMED) await queryRunner.query(`ALTER TABLE "${table}" RENAME CONSTRAINT "${from}" TO "${to}"`);
    await queryRunner.query(`CREATE INDEX "outbox_undelivered_idx" ON "outbox" ("enqueued_at") WHERE delivered_at IS NULL`);
    await queryRunner.query(`CREATE INDEX "outbox_delivered_idx" ON "outbox" ("delivered_at") WHERE delivered_at IS NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "outbox_delivered_idx"`);
    await queryRunner.query(`DROP INDEX "outbox_undelivered_idx"`);
    for (const [table, from, to] of RENAMED) await queryRunner.query(`ALTER TABLE "${table}" RENAME CONSTRAINT "${to}" TO "${from}"`);
  }
}
