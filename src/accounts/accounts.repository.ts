import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Condition } from '../core/access/policy';
import type { Role } from '../core/auth/actor';
import { likeLiteral } from '../core/text';
import type { UserListQuery } from './dto/account.dto';
import { RoleGrant, User } from './user.entity';

/** Who a password link is for, and whom its mail greets. */
export interface LinkUser {
  id: string;
  email: string;
  fullName: string;
}

/** A password link as confirming it needs: the token's hash, and whether it may still be used. */
export interface StoredLink {
  userId: string;
  tokenHash: string;
  /** Unused, unexpired, and its account active. */
  usable: boolean;
}

/** An account as the actor cache and GET /auth/me read it. */
export interface AccountRow {
  email: string;
  fullName: string;
  language: 'vi' | 'en';
  active: boolean;
  tokenVersion: number;
}

export interface GrantRow {
  id: string;
  userId: string;
  role: Role;
  unitId: string;
}

export interface NewAccount {
  email: string;
  fullName: string;
  passwordHash: string;
  language: 'vi' | 'en';
}

/**
 * The queries of the accounts domain: users, their grants and their one-time password links. Units are read through
 * UnitReader, except where a scope condition needs a unit's path in the query that pages or locks (README, "Project
 * layout"): `managed` conditions join `units` for `path` only.
 */
@Injectable()
export class AccountsRepository {
  async activeUserByEmail(manager: EntityManager, email: string): Promise<LinkUser | null> {
    const [user]: LinkUser[] = await manager.query(`SELECT id, email, full_name AS "fullName" FROM users WHERE email = $1 AND active`, [email]);
    return user ?? null;
  }

  /** The link and its account, both locked until the transaction ends, so that a link is used once. */
  async lockedLink(manager: EntityManager, linkId: string): Promise<StoredLink | null> {
    const [row]: StoredLink[] = await manager.query(
      `SELECT t.user_id AS "userId", t.token_hash AS "tokenHash", (t.used_at IS NULL AND t.expires_at > now() AND u.active) AS usable
         FROM password_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1 FOR UPDATE OF t, u`,
      [linkId],
    );
    return row ?? null;
  }

  /** Every unused link of the account stops working. */
  async useUpLinks(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`UPDATE password_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, [userId]);
  }

  async insertLink(manager: EntityManager, link: { id: string; userId: string; purpose: 'welcome' | 'reset'; tokenHash: string; expiresAt: Date }): Promise<void> {
    await manager.query(`INSERT INTO password_tokens (id, user_id, purpose, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)`, [link.id, link.userId, link.purpose, link.tokenHash, link.expiresAt]);
  }

  /** The new password, and every token issued before it revoked. */
  async setPassword(manager: EntityManager, userId: string, passwordHash: string): Promise<void> {
    await manager.query(`UPDATE users SET password_hash = $2, token_version = token_version + 1, updated_at = now() WHERE id = $1`, [userId, passwordHash]);
  }

  async account(manager: EntityManager, userId: string): Promise<AccountRow | null> {
    const [row]: AccountRow[] = await manager.query(`SELECT email, full_name AS "fullName", language, active, token_version AS "tokenVersion" FROM users WHERE id = $1`, [userId]);
    return row ?? null;
  }

  /** The grants of these users, oldest first. */
  async grants(manager: EntityManager, userIds: readonly string[]): Promise<GrantRow[]> {
    if (userIds.length === 0) return [];
    return manager.query(`SELECT id, user_id AS "userId", role, unit_id AS "unitId" FROM role_grants WHERE user_id = ANY ($1::uuid[]) ORDER BY created_at, id`, [[...new Set(userIds)]]);
  }

  /** With the password hash, which every other read leaves out. */
  async withPassword(manager: EntityManager, where: { email: string } | { id: string }): Promise<User | null> {
    const [column, value] = 'email' in where ? ['email', where.email] : ['id', where.id];
    return manager.getRepository(User).createQueryBuilder('u').addSelect('u.passwordHash').where(`u.${column} = :value`, { value }).getOne();
  }

  /** Active administrators, locked in one order, so that two deactivating each other cannot both pass. */
  async lockActiveAdmins(manager: EntityManager): Promise<string[]> {
    const rows: Array<{ id: string }> = await manager.query(
      `SELECT u.id FROM users u WHERE u.active AND EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.role = 'admin') ORDER BY u.id FOR UPDATE`,
    );
    return rows.map((r) => r.id);
  }

  /** The new account's id, or null when the e-mail is taken. */
  async insertUser(manager: EntityManager, account: NewAccount): Promise<string | null> {
    const inserted = await manager.createQueryBuilder().insert().into(User).values(account).orIgnore().returning(['id']).execute();
    return inserted.raw[0]?.id ?? null;
  }

  async updateUser(manager: EntityManager, userId: string, change: Partial<Pick<User, 'fullName' | 'active' | 'language'>>): Promise<void> {
    await manager.update(User, { id: userId }, change);
  }

  /** Every token issued to the user before now stops working. */
  async revokeTokens(manager: EntityManager, userId: string): Promise<void> {
    await manager.increment(User, { id: userId }, 'tokenVersion', 1);
  }

  /**
   * The accounts an actor manages, as a condition on alias `usr`, from `inArea`, the actor's scope on alias `gu`
   * (a unit): all of them when it holds everywhere; otherwise accounts that hold a grant and hold every grant inside
   * the area, so an organiser never reaches an administrator or someone who also works elsewhere.
   */
  managedCondition([inArea, params]: Condition): Condition {
    if (inArea === 'TRUE' || inArea === 'FALSE') return [inArea, params];
    const grants = 'SELECT 1 FROM role_grants g JOIN units gu ON gu.id = g.unit_id WHERE g.user_id = usr.id';
    return [`(EXISTS (${grants}) AND NOT EXISTS (${grants} AND NOT ${inArea}))`, params];
  }

  /** A page of the accounts `managed` keeps, by e-mail, those whose address contains `query.email` if it is given. */
  async managedPage(manager: EntityManager, managed: Condition, query: UserListQuery): Promise<[User[], number]> {
    const listed = manager
      .getRepository(User)
      .createQueryBuilder('usr')
      .where(...managed);
    if (query.email) listed.andWhere('usr.email LIKE :email', { email: `%${likeLiteral(query.email)}%` });
    return listed
      .orderBy('usr.email', 'ASC')
      .addOrderBy('usr.id', 'ASC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
  }

  /** The account, locked for a change, if `managed` keeps it. */
  async lockManaged(manager: EntityManager, userId: string, managed: Condition): Promise<User | null> {
    return manager
      .createQueryBuilder(User, 'usr')
      .where('usr.id = :userId', { userId })
      .andWhere(...managed)
      .setLock('pessimistic_write', undefined, ['usr'])
      .getOne();
  }

  /** The user's grant with its unit's path, if `inScope` (on alias `u`, the unit) keeps it. */
  async grantInScope(manager: EntityManager, userId: string, grantId: string, inScope: Condition): Promise<(GrantRow & { unitPath: string }) | null> {
    // The unit's path is the one unit column read here, as every scope condition reads it (README, "Project layout").
    const { entities, raw } = await manager
      .createQueryBuilder(RoleGrant, 'g')
      .innerJoin('units', 'u', 'u.id = g.unit_id')
      .addSelect('u.path', 'unit_path')
      .where('g.id = :grantId AND g.userId = :userId', { grantId, userId })
      .andWhere(...inScope)
      .getRawAndEntities<{ unit_path: string }>();
    const grant = entities[0];
    return grant ? { id: grant.id, userId: grant.userId, role: grant.role as Role, unitId: grant.unitId, unitPath: raw[0].unit_path } : null;
  }

  /** The new grant's id, or null when the user holds it already. */
  async insertGrant(manager: EntityManager, grant: { userId: string; role: Role; unitId: string }): Promise<string | null> {
    const inserted = await manager.createQueryBuilder().insert().into(RoleGrant).values(grant).orIgnore().returning(['id']).execute();
    return inserted.raw[0]?.id ?? null;
  }

  async deleteGrant(manager: EntityManager, grantId: string): Promise<void> {
    await manager.delete(RoleGrant, { id: grantId });
  }
}
