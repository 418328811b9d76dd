import { hashPassword, verifyPassword } from '../../src/accounts/passwords';
import { seedDemoIfEmpty } from '../../src/seed/demo-seed';
import { createTestDatabase, TestDatabase } from '../support/test-db';

const TABLES = ['unit_levels', 'units', 'users', 'role_grants', 'contests', 'editions', 'edition_fields', 'rubric_criteria', 'stages'];

async function counts(db: TestDatabase): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of TABLES) result[table] = Number((await db.source.query(`SELECT count(*) AS n FROM "${table}"`))[0].n);
  return result;
}

async function districtsOfSocTrang(db: TestDatabase): Promise<string[]> {
  const rows = await db.source.query(`SELECT d.name FROM units d JOIN units p ON p.id = d.parent_id WHERE p.code = 'ST' AND d.level_code = 'district' ORDER BY d.name`);
  return rows.map((r: { name: string }) => r.name);
}

describe('the demo seed', () => {
  describe('on an empty database', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(() => db.drop());

    it('seeds Sóc Trăng with its 11 districts, an open 6th edition and one account per role that logs in with the printed password', async () => {
      const seeded = await seedDemoIfEmpty(db.url);

      expect(seeded).not.toBeNull();
      expect(seeded!.summary).toMatch(/^Tỉnh Sóc Trăng \(ST\): 11 districts, \d+ schools; youth contest 6th edition \(2017\), open for registration until \d{2}\/\d{2}\/\d{4}$/);
      expect(await districtsOfSocTrang(db)).toHaveLength(11);
      expect(seeded!.accounts.map((a) => `${a.role} ${a.email}`)).toEqual([
        'admin admin@demo.soctrang.vn',
        'organiser province@demo.soctrang.vn',
        'organiser district@demo.soctrang.vn',
        'school school@demo.soctrang.vn',
        'judge judge@demo.soctrang.vn',
        'chair chair@demo.soctrang.vn',
      ]);
      expect(seeded!.accounts.find((a) => a.email === 'district@demo.soctrang.vn')!.scope).toBe('Huyện Kế Sách (ST-KS)');
      const users: Array<{ email: string; hash: string }> = await db.source.query(`SELECT email, password_hash AS hash FROM users WHERE active`);
      expect(users).toHaveLength(6);
      for (const user of users) expect(await verifyPassword(user.hash, seeded!.password)).toBe(true);

      const [edition] = await db.source.query(
        `SELECT e.planned_entries, e.max_authors, e.registration_opens_at <= now() AND now() < e.registration_closes_at AS open,
                (SELECT count(*) FROM edition_fields f WHERE f.edition_id = e.id)::int AS fields,
                (SELECT sum(r.max_points) FROM rubric_criteria r WHERE r.edition_id = e.id)::int AS points,
                (SELECT string_agg(s.level_code, ' > ' ORDER BY s.position) FROM stages s WHERE s.edition_id = e.id) AS ladder
           FROM editions e JOIN contests c ON c.id = e.contest_id
          WHERE c.name = 'Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng' AND e.number = 6`,
      );
      expect(edition).toEqual({ planned_entries: 3000, max_authors: 5, open: true, fields: 5, points: 100, ladder: 'school > district > province > nation' });
      const audit = await db.source.query(`SELECT actor_id FROM audit_log WHERE action = 'demo.seed'`);
      expect(audit).toEqual([{ actor_id: null }]);
    });

    it('on a second start writes nothing and prints the same accounts again, saying the data was reused', async () => {
      const before = await counts(db);

      const again = await seedDemoIfEmpty(db.url);

      expect(await counts(db)).toEqual(before);
      expect(again!.summary).toMatch(/^reused from an earlier start, not seeded again: Tỉnh Sóc Trăng \(ST\): 11 districts/);
      expect(again!.accounts).toHaveLength(6);
    });

    it('stops printing an account once its password was changed, and prints nothing when none is left', async () => {
      const otherHash = await hashPassword('a-password-of-my-own');
      await db.source.query(`UPDATE users SET password_hash = $1 WHERE email = 'admin@demo.soctrang.vn'`, [otherHash]);

      const listed = await seedDemoIfEmpty(db.url);
      expect(listed!.accounts.map((a) => a.email)).not.toContain('admin@demo.soctrang.vn');
      expect(listed!.accounts).toHaveLength(5);

      await db.source.query(`UPDATE users SET password_hash = $1`, [otherHash]);
      expect(await seedDemoIfEmpty(db.url)).toBeNull();
    });
  });

  it('leaves a database that already holds units alone', async () => {
    const db = await createTestDatabase();
    try {
      await db.source.query(`INSERT INTO unit_levels (code, name, rank, is_leaf) VALUES ('province', 'Tỉnh', 1, false)`);
      await db.source.query(
        `INSERT INTO units (id, code, name, search_key, level_code, path, depth) VALUES ('8f0c2a4e-1d7b-4c55-9a0e-3b6f2d9e7c11', 'VL', 'Vĩnh Long', 'vl vinh long', 'province', '/8f0c2a4e-1d7b-4c55-9a0e-3b6f2d9e7c11/', 0)`,
      );
      const before = await counts(db);

      expect(await seedDemoIfEmpty(db.url)).toBeNull();
      expect(await counts(db)).toEqual(before);
    } finally {
      await db.drop();
    }
  });

  it('seeds once when two processes start together on the same empty database', async () => {
    const db = await createTestDatabase();
    try {
      const results = await Promise.all([seedDemoIfEmpty(db.url), seedDemoIfEmpty(db.url)]);

      expect(results.filter((r) => r!.summary.startsWith('reused'))).toHaveLength(1);
      expect(await districtsOfSocTrang(db)).toHaveLength(11);
      expect((await counts(db)).users).toBe(6);
    } finally {
      await db.drop();
    }
  });
});
