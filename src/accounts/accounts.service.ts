import { Inject, Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccessService } from '../core/access/access.service';
import { Condition, holdsEverywhere, Permission, reaches } from '../core/access/policy';
import { Actor, ActorResolver, Grant, Role, TokenSubject } from '../core/auth/actor';
import { ActorCache, ActorState } from '../core/auth/actor-cache';
import { TOKEN_ALGORITHM } from '../core/auth/token-claims';
import { AuditChange, AuditService } from '../core/audit/audit.service';
import { APP_CONFIG, AppConfig } from '../core/config/config';
import { ConflictError, DomainError, ForbiddenError, NotFoundError, problem, RuleViolationError } from '../core/errors/domain-error';
import { Page, pageOf } from '../core/http/paging';
import { likeLiteral } from '../core/text';
import { RateLimiter } from '../core/rate-limit';
import { UnitReader, UnitWithLevel } from '../units/unit-reader';
import { AccountsRepository, GrantRow } from './accounts.repository';
import { ChangePasswordDto, CreateUserDto, GrantDto, GrantView, LoginDto, TokenDto, UpdateUserDto, UserListQuery, UserView } from './dto/account.dto';
import { judgeLoginAttempt, KNOWN_ADDRESS_SECONDS, LoginLimits, loginBuckets } from './login-limits';
import { PasswordLinksService } from './password-links.service';
import { decoyHash, hashPassword, verifyPassword } from './passwords';
import { User } from './user.entity';

/** What the actor cache keeps of an account: who it acts as, and its view for GET /auth/me. */
interface AccountState extends ActorState {
  view: UserView;
}

@Injectable()
export class AccountsService implements ActorResolver {
  private readonly logger = new Logger('Accounts');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
    private readonly rateLimiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly access: AccessService,
    private readonly passwordLinks: PasswordLinksService,
    private readonly actors: ActorCache<AccountState>,
    private readonly repo: AccountsRepository,
    private readonly units: UnitReader,
  ) {}

  /** Mostly from memory (ActorCache); otherwise one query on the user's primary key and grant index. */
  resolve({ userId, tokenVersion }: TokenSubject): Promise<Actor | null> {
    return this.actors.resolve(userId, tokenVersion, () => this.actorState(userId));
  }

  /** Who the user acts as (grants at active units) and their account as GET /auth/me shows it. */
  private async actorState(userId: string): Promise<AccountState | null> {
    const manager = this.db.manager;
    const account = await this.repo.account(manager, userId);
    if (!account) return null;
    const grants = await this.repo.grants(manager, [userId]);
    const units = await this.units.withRetirement(
      grants.map((g) => g.unitId),
      manager,
    );
    const acting: Grant[] = grants.filter((g) => !units.get(g.unitId)!.retired).map((g) => ({ role: g.role, unitId: g.unitId, unitPath: units.get(g.unitId)!.path }));
    const view = this.toView({ id: userId, ...account }, this.grantViewsOf(grants, units));
    return { tokenVersion: account.tokenVersion, actor: account.active ? new Actor(userId, account.email, acting) : null, view };
  }

  /**
   * Counts failures, not attempts: each attempt reserves a slot in its address and account counters before the
   * password is checked, and a right password or an attempt that cannot be judged gives it back. So a burst of
   * parallel guesses gets no more checks than the limit allows. When Redis or the database does not answer,
   * the answer is a 503 and nothing is counted.
   */
  async login(dto: LoginDto, clientIp: string): Promise<TokenDto> {
    const limits = this.loginLimits();
    const buckets = loginBuckets(dto.email, clientIp);
    const [known] = await this.rateLimiter.read([buckets.known]);
    const [address, account] = await this.rateLimiter.reserve([
      { bucket: buckets.address, windowSeconds: limits.ipWindowSeconds },
      { bucket: buckets.account, windowSeconds: limits.accountWindowSeconds },
    ]);
    const before = (counter: typeof address) => ({ count: counter.count - 1, resetsInSeconds: counter.resetsInSeconds });
    const verdict = judgeLoginAttempt(before(address), before(account), known.count > 0, limits);
    const giveBack = () => this.rateLimiter.release([buckets.address, buckets.account]);
    if (!verdict.allowed) {
      await giveBack();
      const { reason: by, retryAfterSeconds } = verdict;
      throw new DomainError('RATE_LIMITED', 'TOO_MANY_LOGIN_ATTEMPTS', { by, retryAfterSeconds }, { reason: by, retryAfterSeconds });
    }
    let user: User | null;
    try {
      user = await this.repo.withPassword(this.db.manager, { email: dto.email });
    } catch (error) {
      await giveBack();
      this.logger.warn(`Login lookup failed: ${(error as Error).message}`);
      throw new DomainError('SERVICE_UNAVAILABLE', 'LOGIN_UNAVAILABLE', {});
    }
    const valid = await verifyPassword(user?.passwordHash ?? (await decoyHash()), dto.password);
    if (!user || !valid || !user.active) {
      await this.auditFailedLogin(dto.email, clientIp, !user ? 'unknown e-mail' : !valid ? 'wrong password' : 'inactive account', account.count, limits);
      throw new DomainError('UNAUTHENTICATED', 'WRONG_CREDENTIALS', {});
    }
    // Best effort: a Redis lost right now costs the owner the known-address pass, not the login.
    await Promise.all([this.rateLimiter.release([buckets.address]), this.rateLimiter.clear(buckets.account), this.rateLimiter.flag(buckets.known, KNOWN_ADDRESS_SECONDS)]).catch(() => undefined);
    return { accessToken: await this.jwt.signAsync({ sub: user.id, ver: user.tokenVersion }, { algorithm: TOKEN_ALGORITHM }), tokenType: 'Bearer', expiresIn: this.config.jwtTtlSeconds };
  }

  /** Revokes every token of the user, this one included. */
  async logout(actor: Actor): Promise<void> {
    await this.changingActor(actor.userId, async (manager) => {
      await this.repo.revokeTokens(manager, actor.userId);
      await this.audit.record(manager, actor, { action: 'user.logout', entityType: 'user', entityId: actor.userId, unitPath: '/' });
    });
  }

  /** Read when the request was authenticated: no query while the user is remembered. */
  async me(actor: Actor): Promise<UserView> {
    return this.actors.remembered(actor.userId)?.view ?? this.view(this.db.manager, actor.userId);
  }

  /**
   * The current password is guessed no more often than a login is: whoever holds a stolen token must not learn
   * the password by trying. Wrong guesses count in the same per-account window as failed logins.
   */
  async changePassword(actor: Actor, dto: ChangePasswordDto): Promise<void> {
    const limits = this.loginLimits();
    const bucket = `password-check:${actor.userId}`;
    const [attempts] = await this.rateLimiter.reserve([{ bucket, windowSeconds: limits.accountWindowSeconds }]);
    if (attempts.count > limits.accountLimit) {
      await this.rateLimiter.release([bucket]);
      const retryAfterSeconds = Math.max(1, attempts.resetsInSeconds);
      throw new DomainError('RATE_LIMITED', 'TOO_MANY_PASSWORD_ATTEMPTS', { retryAfterSeconds }, { reason: 'account', retryAfterSeconds });
    }
    const user = await this.repo.withPassword(this.db.manager, { id: actor.userId });
    if (!user || !(await verifyPassword(user.passwordHash, dto.currentPassword))) {
      throw new RuleViolationError('WRONG_CURRENT_PASSWORD', {}, [problem('currentPassword', 'DOES_NOT_MATCH', {})]);
    }
    await this.rateLimiter.release([bucket]);
    const passwordHash = await hashPassword(dto.newPassword);
    await this.changingActor(actor.userId, async (manager) => {
      await this.repo.setPassword(manager, actor.userId, passwordHash);
      await this.audit.record(manager, actor, { action: 'user.password-change', entityType: 'user', entityId: actor.userId, unitPath: '/' });
    });
  }

  /** The accounts the actor manages, by e-mail: all of them for administrators, for an organiser those working in their area. */
  async listUsers(actor: Actor, query: UserListQuery): Promise<Page<UserView>> {
    const [users, total] = await this.repo.managedPage(this.db.manager, this.managedUsers(actor), query);
    const grants = await this.grantViews(
      this.db.manager,
      users.map((u) => u.id),
    );
    return pageOf(
      users.map((u) => this.toView(u, grants.get(u.id) ?? [])),
      total,
      query,
    );
  }

  /**
   * An administrator creates any account; an organiser creates one with its first grant in the same request,
   * at a unit of their area, so the new account works there from the start and stays theirs to manage.
   */
  async createUser(actor: Actor, dto: CreateUserDto): Promise<UserView> {
    if (!holdsEverywhere(actor.grants, Permission.UserManage) && !dto.grant) {
      throw new RuleViolationError('GRANT_REQUIRED_FOR_NEW_ACCOUNT', {}, [problem('grant', 'REQUIRED_WHEN_ORGANISER_CREATES', {})]);
    }
    // Without a password the account can be entered only through the link of its account-created mail.
    const passwordHash = await hashPassword(dto.password ?? randomBytes(32).toString('base64url'));
    const language = dto.language ?? 'vi';
    return this.db.transaction(async (manager) => {
      const id = await this.repo.insertUser(manager, { email: dto.email, fullName: dto.fullName, passwordHash, language });
      if (!id) throw new ConflictError('EMAIL_TAKEN', { email: dto.email }, { problems: [problem('email', 'ALREADY_IN_USE', {})] });
      await this.audit.record(manager, actor, { action: 'user.create', entityType: 'user', entityId: id, unitPath: '/', after: { email: dto.email, fullName: dto.fullName, language } });
      if (dto.grant) await this.addGrant(manager, actor, id, dto.grant);
      await this.passwordLinks.welcome(manager, { id, email: dto.email, fullName: dto.fullName });
      return this.view(manager, id);
    });
  }

  async updateUser(actor: Actor, userId: string, dto: UpdateUserDto): Promise<UserView> {
    return this.changingActor(userId, async (manager) => {
      // Active administrators are locked first, so two deactivating each other cannot both pass.
      const activeAdmins = dto.active === false ? await this.repo.lockActiveAdmins(manager) : [];
      const user = await this.managedUser(manager, actor, userId);
      if (activeAdmins.length === 1 && activeAdmins[0] === userId) {
        throw new RuleViolationError('LAST_ADMIN', {}, [problem('active', 'LAST_ACTIVE_ADMIN', {})]);
      }
      const before = { fullName: user.fullName, active: user.active, language: user.language };
      const after = { fullName: dto.fullName ?? user.fullName, active: dto.active ?? user.active, language: dto.language ?? user.language };
      await this.repo.updateUser(manager, userId, after);
      // Deactivation ends the tokens; a reactivated account starts without the ones it had.
      if (after.active !== before.active) await this.repo.revokeTokens(manager, userId);
      await this.audit.record(manager, actor, { action: 'user.update', entityType: 'user', entityId: userId, unitPath: '/', before, after });
      return this.view(manager, userId);
    });
  }

  async grant(actor: Actor, userId: string, dto: GrantDto): Promise<UserView> {
    return this.changingActor(userId, async (manager) => {
      await this.managedUser(manager, actor, userId);
      await this.addGrant(manager, actor, userId, dto);
      return this.view(manager, userId);
    });
  }

  async revoke(actor: Actor, userId: string, grantId: string): Promise<UserView> {
    return this.changingActor(userId, async (manager) => {
      await this.managedUser(manager, actor, userId);
      const grant = await this.repo.grantInScope(manager, userId, grantId, this.access.condition(actor, Permission.UserManage, 'u.path'));
      if (!grant) throw new NotFoundError('Grant');
      if (grant.userId === actor.userId && grant.role === 'admin') throw new RuleViolationError('REVOKE_OWN_ADMIN', {});
      await this.repo.deleteGrant(manager, grantId);
      await this.audit.record(manager, actor, {
        action: 'grant.revoke',
        entityType: 'grant',
        entityId: grantId,
        unitPath: grant.unitPath,
        before: { userId, role: grant.role, unitId: grant.unitId },
      });
      return this.view(manager, userId);
    });
  }

  /** Grants `dto` at a unit the actor manages accounts in; only those who manage everywhere grant the administrator role. */
  private async addGrant(manager: EntityManager, actor: Actor, userId: string, dto: GrantDto): Promise<void> {
    if (dto.role === 'admin' && !holdsEverywhere(actor.grants, Permission.UserManage)) throw new ForbiddenError('ADMIN_GRANTS_ADMIN', {});
    const unit = await this.units.activeWithLevel(manager, dto.unitId);
    // A unit outside the actor's area reads as missing, as elsewhere: its existence is not theirs to learn.
    if (!unit || !reaches(actor.grants, Permission.UserManage, unit.path)) throw new NotFoundError('Unit', { problems: [problem('unitId', 'NO_ACTIVE_UNIT_IN_AREA', {})] });
    checkGrantFitsUnit(dto.role, unit.level);
    const grantId = await this.repo.insertGrant(manager, { userId, role: dto.role, unitId: unit.id });
    if (!grantId) throw new ConflictError('GRANT_EXISTS', { role: dto.role, unitCode: unit.code });
    await this.audit.record(manager, actor, { action: 'grant.create', entityType: 'grant', entityId: grantId, unitPath: unit.path, after: { userId, role: dto.role, unitId: unit.id } });
  }

  /** The accounts the actor manages, as a condition on alias `usr` (AccountsRepository.managedCondition). */
  private managedUsers(actor: Actor): Condition {
    return this.repo.managedCondition(this.access.condition(actor, Permission.UserManage, 'gu.path', 'managed'));
  }

  /** The account, locked for the change, if the actor manages it; otherwise 404 as if missing. */
  private async managedUser(manager: EntityManager, actor: Actor, userId: string): Promise<User> {
    const user = await this.repo.lockManaged(manager, userId, this.managedUsers(actor));
    if (!user) throw new NotFoundError('User');
    return user;
  }

  private loginLimits(): LoginLimits {
    const c = this.config;
    return { ipLimit: c.loginRateLimit, ipWindowSeconds: c.loginRateWindowSeconds, accountLimit: c.loginAccountLimit, accountWindowSeconds: c.loginAccountWindowSeconds };
  }

  /** The audit rows of failed logins are bounded by the limits themselves: only failures let through are written. */
  private async auditFailedLogin(email: string, ip: string, reason: string, accountFailures: number, limits: LoginLimits): Promise<void> {
    const changes: AuditChange[] = [{ action: 'auth.login-failed', entityType: 'login', entityId: email, unitPath: '/', after: { email, ip, reason } }];
    if (accountFailures === limits.accountLimit)
      changes.push({ action: 'auth.login-locked', entityType: 'login', entityId: email, unitPath: '/', after: { email, ip, seconds: limits.accountWindowSeconds } });
    await this.audit.record(this.db.manager, null, changes).catch((error: Error) => this.logger.warn(`Could not audit a failed login: ${error.message}`));
  }

  /** A change to who `userId` acts as: their remembered actor is forgotten once it has committed. */
  private async changingActor<T>(userId: string, change: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(change);
    } finally {
      this.actors.forget(userId);
    }
  }

  /** The account with its grants (at retired units too, oldest first). */
  private async view(manager: EntityManager, userId: string): Promise<UserView> {
    const account = await this.repo.account(manager, userId);
    if (!account) throw new NotFoundError('User');
    return this.toView({ id: userId, ...account }, (await this.grantViews(manager, [userId])).get(userId) ?? []);
  }

  private async grantViews(manager: EntityManager, userIds: string[]): Promise<Map<string, GrantView[]>> {
    const grants = await this.repo.grants(manager, userIds);
    const units = await this.units.many(
      grants.map((g) => g.unitId),
      manager,
    );
    const byUser = new Map<string, GrantView[]>();
    for (const grant of grants) {
      const list = byUser.get(grant.userId) ?? [];
      list.push(...this.grantViewsOf([grant], units));
      byUser.set(grant.userId, list);
    }
    return byUser;
  }

  private grantViewsOf(grants: GrantRow[], units: ReadonlyMap<string, { code: string; name: string }>): GrantView[] {
    return grants.map((g) => ({ id: g.id, role: g.role, unitId: g.unitId, unitCode: units.get(g.unitId)!.code, unitName: units.get(g.unitId)!.name }));
  }

  private toView(user: Pick<User, 'id' | 'email' | 'fullName' | 'active' | 'language'>, grants: GrantView[]): UserView {
    return { id: user.id, email: user.email, fullName: user.fullName, active: user.active, language: user.language, grants };
  }
}

/**
 * School accounts sit at leaf units (schools, organisations); other roles at inner units. An administrator acts
 * everywhere whatever unit the grant names, so the grant names the root: one at a province would read as a
 * province's administrator while acting on the whole country.
 */
export function checkGrantFitsUnit(role: Role, level: UnitWithLevel['level']): void {
  if (role === 'admin' && level.rank !== 0) {
    throw new RuleViolationError('ADMIN_GRANT_AT_ROOT', { level: level.name }, [problem('unitId', 'NOT_THE_ROOT', {})]);
  }
  if ((role === 'school' || role === 'organisation') && !level.isLeaf) {
    throw new RuleViolationError('SCHOOL_GRANT_AT_LEAF', { role, level: level.name }, [problem('unitId', 'NOT_A_LEAF_UNIT', {})]);
  }
  if (role === 'organiser' && level.isLeaf) {
    throw new RuleViolationError('ORGANISER_GRANT_NOT_LEAF', { level: level.name }, [problem('unitId', 'LEAF_UNIT', {})]);
  }
}
