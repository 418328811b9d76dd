import { ActorCache } from '../core/auth/actor-cache';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../core/audit/audit.service';
import { passwordToken, passwordTokenHash, passwordTokenId, passwordTokenMatches } from '../core/auth/password-tokens';
import { APP_CONFIG, AppConfig } from '../core/config/config';
import { DomainError, problem, RuleViolationError } from '../core/errors/domain-error';
import { accountCreatedMail, passwordResetMail } from '../core/outbox/mail-catalogue';
import { OutboxService } from '../core/outbox/outbox.service';
import { RateLimiter } from '../core/rate-limit';
import { AccountsRepository, LinkUser } from './accounts.repository';
import { PasswordResetConfirmDto } from './dto/account.dto';
import { hashPassword } from './passwords';

/** A new account's link lasts a week (it may wait over a weekend); a reset link an hour. */
const LIFETIME_SECONDS = { welcome: 7 * 24 * 3600, reset: 3600 };
/** Reset requests per client address per hour (429 beyond), and mails per address per hour (silently none beyond). */
const REQUESTS_PER_ADDRESS = 10;
const MAILS_PER_ACCOUNT = 3;
const WINDOW_SECONDS = 3600;

/** One-time links to set a password: for a new account, and on request for a forgotten one. */
@Injectable()
export class PasswordLinksService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly rateLimiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly actors: ActorCache,
    private readonly repo: AccountsRepository,
  ) {}

  /** In the caller's transaction: the account-created mail with its link. */
  async welcome(manager: EntityManager, user: LinkUser): Promise<void> {
    const token = await this.issue(manager, user, 'welcome');
    await this.outbox.add(manager, accountCreatedMail(user, token));
  }

  /**
   * Answers the same whether or not an account uses the address (the caller learns nothing), and sends a link only
   * to an active account, at most MAILS_PER_ACCOUNT an hour so nobody can flood someone's inbox.
   */
  async requestReset(email: string, clientIp: string): Promise<void> {
    const [fromAddress, forAccount] = await this.rateLimiter.hit([
      { bucket: `password-reset:address:${clientIp}`, windowSeconds: WINDOW_SECONDS },
      { bucket: `password-reset:account:${email}`, windowSeconds: WINDOW_SECONDS },
    ]);
    if (fromAddress > REQUESTS_PER_ADDRESS) {
      throw new DomainError('RATE_LIMITED', 'TOO_MANY_RESET_REQUESTS', {}, { reason: 'address', retryAfterSeconds: WINDOW_SECONDS });
    }
    if (forAccount > MAILS_PER_ACCOUNT) return;
    await this.db.transaction(async (manager) => {
      const user = await this.repo.activeUserByEmail(manager, email);
      if (!user) return;
      const token = await this.issue(manager, user, 'reset');
      await this.outbox.add(manager, passwordResetMail(user, token));
      await this.audit.record(manager, null, { action: 'user.password-reset-request', entityType: 'user', entityId: user.id, unitPath: '/' });
    });
  }

  /** Sets the password with a link's token: once, before it expires, for an active account; every session ends. */
  async confirm(dto: PasswordResetConfirmDto): Promise<void> {
    const refused = new RuleViolationError('LINK_INVALID', {}, [problem('token', 'LINK_INVALID_SHORT', {})]);
    const id = passwordTokenId(dto.token);
    if (!id) throw refused;
    const passwordHash = await hashPassword(dto.newPassword);
    const userId = await this.db.transaction(async (manager) => {
      const link = await this.repo.lockedLink(manager, id);
      if (!link || !link.usable || !passwordTokenMatches(dto.token, link.tokenHash)) throw refused;
      // Every link of the account stops working, not only this one.
      await this.repo.useUpLinks(manager, link.userId);
      await this.repo.setPassword(manager, link.userId, passwordHash);
      await this.audit.record(manager, null, { action: 'user.password-set', entityType: 'user', entityId: link.userId, unitPath: '/' });
      return link.userId;
    });
    this.actors.forget(userId);
  }

  /** A new link supersedes the account's earlier unused ones. */
  private async issue(manager: EntityManager, user: LinkUser, purpose: 'welcome' | 'reset'): Promise<{ id: string; expiresAt: Date }> {
    const id = randomUUID();
    const expiresAt = new Date(Date.now() + LIFETIME_SECONDS[purpose] * 1000);
    await this.repo.useUpLinks(manager, user.id);
    await this.repo.insertLink(manager, { id, userId: user.id, purpose, tokenHash: passwordTokenHash(passwordToken(this.config.jwtSecret, id)), expiresAt });
    return { id, expiresAt };
  }
}
