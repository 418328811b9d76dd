import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { DomainError, ForbiddenError } from '../errors/domain-error';
import { ACTOR_RESOLVER, ActorResolver, Role } from './actor';
import { ALLOWED_ROLES, PUBLIC_ROUTE } from './decorators';

/**
 * Every route is closed unless it is @Public() or names its roles with @Allow(): a route that forgets
 * to declare who may call it is refused to everybody but administrators.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    @Inject(ACTOR_RESOLVER) private readonly actors: ActorResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest();
    const header: string | undefined = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!token) throw new DomainError('UNAUTHENTICATED', 'Log in first: send Authorization: Bearer <token>');
    let subject: string;
    try {
      subject = (await this.jwt.verifyAsync<{ sub: string }>(token)).sub;
    } catch {
      throw new DomainError('UNAUTHENTICATED', 'The token is invalid or has expired; log in again');
    }
    const actor = await this.actors.resolve(subject);
    if (!actor) throw new DomainError('UNAUTHENTICATED', 'This account no longer exists or is disabled');
    request.actor = actor;
    const allowed = this.reflector.getAllAndOverride<Role[]>(ALLOWED_ROLES, targets) ?? [];
    if (actor.isAdmin || allowed.some((role) => actor.has(role))) return true;
    throw new ForbiddenError();
  }
}
