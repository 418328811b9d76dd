import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Actor, Role } from './actor';

export const PUBLIC_ROUTE = 'auth:public';
export const ALLOWED_ROLES = 'auth:roles';
export const SIGNED_IN = 'auth:signed-in';

/** The route needs no login. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Any logged-in user may call the route, even one who holds no grant yet (their own account, logging out). */
export const SignedIn = () => SetMetadata(SIGNED_IN, true);

/** Roles that may call the route; administrators may call every route. */
export const Allow = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => context.switchToHttp().getRequest().actor);
