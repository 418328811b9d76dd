import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { AuditService } from '../audit/audit.service';
import { DomainError, ForbiddenError } from '../errors/domain-error';
import { RateLimiter } from '../rate-limit';
import { mayCall, Permission } from '../access/policy';
import { Actor, ACTOR_RESOLVER, ActorResolver, TokenSubject } from './actor';
import { PUBLIC_ROUTE, REQUIRED_PERMISSION } from './decorators';
import { TOKEN_ALGORITHM } from './token-claims';
import { VerifiedTokens } from './verified-tokens';

/** Refused calls audited per user and hour: enough to see a pattern, too few for one account to flood the table. */
export const AUDITED_REFUSALS_PER_HOUR = 20;

/**
 * Every route is closed unless it is @Public() or names the permission it needs with @Requires(): a route that
 * forgets to declare it is refused to everybody, administrators included.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');
  private readonly verified = new VerifiedTokens();

  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
    private readonly rateLimiter: RateLimiter,
    @Inject(ACTOR_RESOLVER) private readonly actors: ActorResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest();
    const header: string | undefined = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!token) throw new DomainError('UNAUTHENTICATED', 'LOGIN_REQUIRED', {});
    let subject: TokenSubject | null;
    try {
      subject = await this.verified.subject(token, (t) => this.jwt.verifyAsync(t, { algorithms: [TOKEN_ALGORITHM] }));
    } catch {
      throw new DomainError('UNAUTHENTICATED', 'TOKEN_INVALID', {});
    }
    if (!subject) throw new DomainError('UNAUTHENTICATED', 'TOKEN_INVALID', {});
    const actor = await this.actors.resolve(subject);
    if (!actor) throw new DomainError('UNAUTHENTICATED', 'TOKEN_REVOKED', {});
    request.actor = actor;
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, targets);
    if (permission && mayCall(actor.grants, permission)) return true;
    await this.auditRefusal(actor, request.method, request.routeOptions?.url ?? 'unknown route');
    throw new ForbiddenError();
  }

  /** Best effort: the refusal stands whether or not it could be written down. */
  private async auditRefusal(actor: Actor, method: string, route: string): Promise<void> {
    try {
      const [count] = await this.rateLimiter.hit([{ bucket: `audit-refusals:${actor.userId}`, windowSeconds: 3600 }]);
      if (count > AUDITED_REFUSALS_PER_HOUR) return;
      await this.audit.recordAlone(actor, { action: 'auth.refused', entityType: 'route', entityId: `${method} ${route}`, unitPath: '/', after: { roles: actor.grants.map((g) => g.role) } });
    } catch (error) {
      this.logger.warn(`Could not audit a refused call: ${(error as Error).message}`);
    }
  }
}
