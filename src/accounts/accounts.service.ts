import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, ActorResolver, Grant, Role } from '../core/auth/actor';
import { AuditService } from '../core/audit/audit.service';
import { APP_CONFIG, AppConfig } from '../core/config/config';
import { ConflictError, DomainError, ForbiddenError, NotFoundError, RuleViolationError } from '../core/errors/domain-error';
import { RateLimiter } from '../core/rate-limit';
import { Unit, UnitLevel } from '../units/unit.entity';
import { ChangePasswordDto, CreateUserDto, GrantDto, GrantView, LoginDto, TokenDto, UpdateUserDto, UserView } from './dto/account.dto';
import { decoyHash, hashPassword, verifyPassword } from './passwords';
import { RoleGrant, User } from './user.entity';

@Injectable()
export class AccountsService implements ActorResolver {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
    private readonly rateLimiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async resolve(userId: string): Promise<Actor | null> {
    const rows: Array<{ email: string; role: Role; unit_id: string; path: string }> = await this.db.query(
      `SELECT u.email, g.role, g.unit_id, un.path
         FROM users u
         LEFT JOIN role_grants g ON g.user_id = u.id
         LEFT JOIN units un ON un.id = g.unit_id AND un.retired_at IS NULL
        WHERE u.id = $1 AND u.active`,
      [userId],
    );
    if (rows.length === 0) return null;
    const grants: Grant[] = rows.filter((r) => r.role && r.path).map((r) => ({ role: r.role, unitId: r.unit_id, unitPath: r.path }));
    return new Actor(userId, rows[0].email, grants);
  }

  async login(dto: LoginDto, clientIp: string): Promise<TokenDto> {
    const { loginRateLimit, loginRateWindowSeconds } = this.config;
    await this.rateLimiter.consume(`login:${clientIp}:${dto.email}`, loginRateLimit, loginRateWindowSeconds);
    const user = await this.db.getRepository(User).createQueryBuilder('u').addSelect('u.passwordHash').where('u.email = :email', { email: dto.email }).getOne();
    const valid = await verifyPassword(user?.passwordHash ?? (await decoyHash()), dto.password);
    if (!user || !valid || !user.active) throw new DomainError('UNAUTHENTICATED', 'Wrong e-mail or password');
    return { accessToken: await this.jwt.signAsync({ sub: user.id }), tokenType: 'Bearer', expiresIn: this.config.jwtTtlSeconds };
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
      const user = await manager.findOne(User, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new NotFoundError('User');
      const before = { fullName: user.fullName, active: user.active };
      const after = { fullName: dto.fullName ?? user.fullName, active: dto.active ?? user.active };
      await manager.update(User, { id: userId }, after);
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
