import { Inject, Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, ActorResolver, Grant, Role, TokenSubject } from '../core/auth/actor';
import { TOKEN_ALGORITHM } from '../core/auth/token-claims';
import { AuditChange, AuditService } from '../core/audit/audit.service';
import { APP_CONFIG, AppConfig } from '../core/config/config';
import { ConflictError, DomainError, ForbiddenError, NotFoundError, RuleViolationError } from '../core/errors/domain-error';
import { RateLimiter } from '../core/rate-limit';
import { Unit, UnitLevel } from '../units/unit.entity';
import { ChangePasswordDto, CreateUserDto, GrantDto, GrantView, LoginDto, TokenDto, UpdateUserDto, UserView } from './dto/account.dto';
import { judgeLoginAttempt, KNOWN_ADDRESS_SECONDS, LoginLimits, loginBuckets } from './login-limits';
import { decoyHash, hashPassword, verifyPassword } from './passwords';
import { RoleGrant, User } from './user.entity';

@Injectable()
export class AccountsService implements ActorResolver {
  private readonly logger = new Logger('Accounts');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
    private readonly rateLimiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async resolve({ userId, tokenVersion }: TokenSubject): Promise<Actor | null> {
    const rows: Array<{ email: string; role: Role; unit_id: string; path: string }> = await this.db.query(
      `SELECT u.email, g.role, g.unit_id, un.path
         FROM users u
         LEFT JOIN role_grants g ON g.user_id = u.id
         LEFT JOIN units un ON un.id = g.unit_id AND un.retired_at IS NULL
        WHERE u.id = $1 AND u.active AND u.token_version = $2`,
      [userId, tokenVersion],
    );
    if (rows.length === 0) return null;
    const grants: Grant[] = rows.filter((r) => r.role && r.path).map((r) => ({ role: r.role, unitId: r.unit_id, unitPath: r.path }));
    return new Actor(userId, rows[0].email, grants);
  }

  /**
   * Counts failures, not attempts: the limits are read first, the password checked, and only a wrong one is
   * counted. When Redis or the database does not answer, the answer is a 503 and nothing is counted.
   */
  async login(dto: LoginDto, clientIp: string): Promise<TokenDto> {
    const limits = this.loginLimits();
    const buckets = loginBuckets(dto.email, clientIp);
    const [address, account, known] = await this.rateLimiter.read([buckets.address, buckets.account, buckets.known]);
    const verdict = judgeLoginAttempt(address, account, known.count > 0, limits);
    if (!verdict.allowed) {
      const message = verdict.reason === 'address' ? 'Too many failed logins from your address' : 'Too many failed logins for this account';
      throw new DomainError('RATE_LIMITED', `${message}; try again in ${verdict.retryAfterSeconds} seconds`, { reason: verdict.reason, retryAfterSeconds: verdict.retryAfterSeconds });
    }
    let user: User | null;
    try {
      user = await this.db.getRepository(User).createQueryBuilder('u').addSelect('u.passwordHash').where('u.email = :email', { email: dto.email }).getOne();
    } catch (error) {
      this.logger.warn(`Login lookup failed: ${(error as Error).message}`);
      throw new DomainError('SERVICE_UNAVAILABLE', 'Login is unavailable for a moment; try again shortly');
    }
    const valid = await verifyPassword(user?.passwordHash ?? (await decoyHash()), dto.password);
    if (!user || !valid || !user.active) {
      await this.recordFailedLogin(dto.email, clientIp, !user ? 'unknown e-mail' : !valid ? 'wrong password' : 'inactive account', buckets, limits);
      throw new DomainError('UNAUTHENTICATED', 'Wrong e-mail or password');
    }
    // Best effort: a Redis lost right now costs the owner the known-address pass, not the login.
    await Promise.all([this.rateLimiter.clear(buckets.account), this.rateLimiter.flag(buckets.known, KNOWN_ADDRESS_SECONDS)]).catch(() => undefined);
    return { accessToken: await this.jwt.signAsync({ sub: user.id, ver: user.tokenVersion }, { algorithm: TOKEN_ALGORITHM }), tokenType: 'Bearer', expiresIn: this.config.jwtTtlSeconds };
  }

  /** Revokes every token of the user, this one included. */
  async logout(actor: Actor): Promise<void> {
    await this.db.transaction(async (manager) => {
      await this.revokeTokens(manager, actor.userId);
      await this.audit.record(manager, actor, { action: 'user.logout', entityType: 'user', entityId: actor.userId, unitPath: '/' });
    });
  }

  async me(actor: Actor): Promise<UserView> {
    return this.view(this.db.manager, actor.userId);
  }

  async changePassword(actor: Actor, dto: ChangePasswordDto): Promise<void> {
    const user = await this.db.getRepository(User).createQueryBuilder('u').addSelect('u.passwordHash').where('u.id = :id', { id: actor.userId }).getOneOrFail();
    if (!(await verifyPassword(user.passwordHash, dto.currentPassword))) {
      throw new RuleViolationError('The current password is wrong', [{ field: 'currentPassword', reason: 'does not match' }]);
    }
    const passwordHash = await hashPassword(dto.newPassword);
    await this.db.transaction(async (manager) => {
      await manager.update(User, { id: actor.userId }, { passwordHash });
      await this.revokeTokens(manager, actor.userId);
      await this.audit.record(manager, actor, { action: 'user.password-change', entityType: 'user', entityId: actor.userId, unitPath: '/' });
    });
  }

  async listUsers(actor: Actor): Promise<UserView[]> {
    this.requireAdmin(actor);
    const users = await this.db.getRepository(User).find({ order: { email: 'ASC' } });
    const grants = await this.grantViews(this.db.manager, users.map((u) => u.id));
    return users.map((u) => this.toView(u, grants.get(u.id) ?? []));
  }

  async createUser(actor: Actor, dto: CreateUserDto): Promise<UserView> {
    this.requireAdmin(actor);
    const passwordHash = await hashPassword(dto.password);
    return this.db.transaction(async (manager) => {
      const inserted = await manager.createQueryBuilder().insert().into(User).values({ email: dto.email, fullName: dto.fullName, passwordHash }).orIgnore().returning(['id']).execute();
      if (inserted.raw.length === 0) throw new ConflictError(`A user with e-mail ${dto.email} already exists`, { problems: [{ field: 'email', reason: 'already in use' }] });
      const id: string = inserted.raw[0].id;
      await this.audit.record(manager, actor, { action: 'user.create', entityType: 'user', entityId: id, unitPath: '/', after: { email: dto.email, fullName: dto.fullName } });
      return this.view(manager, id);
    });
  }

  async updateUser(actor: Actor, userId: string, dto: UpdateUserDto): Promise<UserView> {
    this.requireAdmin(actor);
    return this.db.transaction(async (manager) => {
      // Active administrators are locked first and in one order, so two deactivating each other cannot both pass.
      const activeAdmins: Array<{ id: string }> =
        dto.active === false
          ? await manager.query(`SELECT u.id FROM users u WHERE u.active AND EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.role = 'admin') ORDER BY u.id FOR UPDATE`)
          : [];
      const user = await manager.findOne(User, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new NotFoundError('User');
      if (activeAdmins.length === 1 && activeAdmins[0].id === userId) {
        throw new RuleViolationError('The last active administrator cannot be deactivated', [{ field: 'active', reason: 'last active administrator' }]);
      }
      const before = { fullName: user.fullName, active: user.active };
      const after = { fullName: dto.fullName ?? user.fullName, active: dto.active ?? user.active };
      await manager.update(User, { id: userId }, after);
      // Deactivation ends the tokens; a reactivated account starts without the ones it had.
      if (after.active !== before.active) await this.revokeTokens(manager, userId);
      await this.audit.record(manager, actor, { action: 'user.update', entityType: 'user', entityId: userId, unitPath: '/', before, after });
      return this.view(manager, userId);
    });
  }

  async grant(actor: Actor, userId: string, dto: GrantDto): Promise<UserView> {
    this.requireAdmin(actor);
    return this.db.transaction(async (manager) => {
      if (!(await manager.existsBy(User, { id: userId }))) throw new NotFoundError('User');
      const unit = await manager.findOne(Unit, { where: { id: dto.unitId }, relations: { level: true } });
      if (!unit || unit.retiredAt) throw new RuleViolationError('The unit does not exist or is retired', [{ field: 'unitId', reason: 'no such active unit' }]);
      checkGrantFitsUnit(dto.role, unit.level!);
      const inserted = await manager.createQueryBuilder().insert().into(RoleGrant).values({ userId, role: dto.role, unitId: unit.id }).orIgnore().returning(['id']).execute();
      if (inserted.raw.length === 0) throw new ConflictError(`The user already holds ${dto.role} at ${unit.code}`);
      await this.audit.record(manager, actor, { action: 'grant.create', entityType: 'grant', entityId: inserted.raw[0].id, unitPath: unit.path, after: { userId, role: dto.role, unitId: unit.id } });
      return this.view(manager, userId);
    });
  }

  async revoke(actor: Actor, userId: string, grantId: string): Promise<UserView> {
    this.requireAdmin(actor);
    return this.db.transaction(async (manager) => {
      const grant = await manager.findOne(RoleGrant, { where: { id: grantId, userId }, relations: { unit: true } });
      if (!grant) throw new NotFoundError('Grant');
      if (grant.userId === actor.userId && grant.role === 'admin') throw new RuleViolationError('You cannot revoke your own administrator role');
      await manager.delete(RoleGrant, { id: grantId });
      await this.audit.record(manager, actor, { action: 'grant.revoke', entityType: 'grant', entityId: grantId, unitPath: grant.unit!.path, before: { userId, role: grant.role, unitId: grant.unitId } });
      return this.view(manager, userId);
    });
  }

  private loginLimits(): LoginLimits {
    const c = this.config;
    return { ipLimit: c.loginRateLimit, ipWindowSeconds: c.loginRateWindowSeconds, accountLimit: c.loginAccountLimit, accountWindowSeconds: c.loginAccountWindowSeconds };
  }

  /**
   * Counted before the 401 goes out: a failure that cannot be counted is a 503, so no guess is answered
   * unchecked. The audit row is bounded by the limits themselves (only counted failures are written).
   */
  private async recordFailedLogin(email: string, ip: string, reason: string, buckets: ReturnType<typeof loginBuckets>, limits: LoginLimits): Promise<void> {
    const [, accountFailures] = await this.rateLimiter.hit([
      { bucket: buckets.address, windowSeconds: limits.ipWindowSeconds },
      { bucket: buckets.account, windowSeconds: limits.accountWindowSeconds },
    ]);
    const changes: AuditChange[] = [{ action: 'auth.login-failed', entityType: 'login', entityId: email, unitPath: '/', after: { email, ip, reason } }];
    if (accountFailures === limits.accountLimit) changes.push({ action: 'auth.login-locked', entityType: 'login', entityId: email, unitPath: '/', after: { email, ip, seconds: limits.accountWindowSeconds } });
    await this.audit.record(this.db.manager, null, changes).catch((error: Error) => this.logger.warn(`Could not audit a failed login: ${error.message}`));
  }

  private async revokeTokens(manager: EntityManager, userId: string): Promise<void> {
    await manager.increment(User, { id: userId }, 'tokenVersion', 1);
  }

  private requireAdmin(actor: Actor): void {
    if (!actor.isAdmin) throw new ForbiddenError('Only administrators manage accounts');
  }

  private async view(manager: EntityManager, userId: string): Promise<UserView> {
    const user = await manager.findOneBy(User, { id: userId });
    if (!user) throw new NotFoundError('User');
    const grants = await this.grantViews(manager, [userId]);
    return this.toView(user, grants.get(userId) ?? []);
  }

  private async grantViews(manager: EntityManager, userIds: string[]): Promise<Map<string, GrantView[]>> {
    const byUser = new Map<string, GrantView[]>();
    if (userIds.length === 0) return byUser;
    const rows = await manager.find(RoleGrant, { where: userIds.map((userId) => ({ userId })), relations: { unit: true }, order: { createdAt: 'ASC' } });
    for (const row of rows) {
      const list = byUser.get(row.userId) ?? [];
      list.push({ id: row.id, role: row.role as Role, unitId: row.unitId, unitCode: row.unit!.code, unitName: row.unit!.name });
      byUser.set(row.userId, list);
    }
    return byUser;
  }

  private toView(user: User, grants: GrantView[]): UserView {
    return { id: user.id, email: user.email, fullName: user.fullName, active: user.active, grants };
  }
}

/**
 * School accounts sit at leaf units (schools, organisations); other roles at inner units. An administrator acts
 * everywhere whatever unit the grant names, so the grant names the root: one at a province would read as a
 * province's administrator while acting on the whole country.
 */
export function checkGrantFitsUnit(role: Role, level: UnitLevel): void {
  if (role === 'admin' && level.rank !== 0) {
    throw new RuleViolationError(`An administrator acts on every unit, so the grant is given at the root, not at a ${level.name}`, [{ field: 'unitId', reason: 'not the root' }]);
  }
  if (role === 'school' && !level.isLeaf) {
    throw new RuleViolationError(`A school account must be granted at a school or organisation, not at a ${level.name}`, [{ field: 'unitId', reason: 'not a leaf unit' }]);
  }
  if (role === 'organiser' && level.isLeaf) {
    throw new RuleViolationError(`An organiser must be granted at an administrative unit, not at a ${level.name}`, [{ field: 'unitId', reason: 'leaf unit' }]);
  }
}
