import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Permission } from '../access/policy';
import { Actor } from './actor';

export const PUBLIC_ROUTE = 'auth:public';
export const REQUIRED_PERMISSION = 'auth:permission';

/** The route needs no login. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The permission a route needs (core/access/policy.ts says who holds it). The guard lets a caller in only if
 * one of their grants could give it; the service then limits them to the objects their grants reach.
 */
export const Requires = (permission: Permission) => SetMetadata(REQUIRED_PERMISSION, permission);

export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => context.switchToHttp().getRequest().actor);
