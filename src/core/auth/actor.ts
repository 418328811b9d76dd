/** `organisation` is the school role's twin for an enterprise or organisation unit. */
export const ROLES = ['admin', 'organiser', 'school', 'organisation', 'judge', 'chair'] as const;
export type Role = (typeof ROLES)[number];

/** A role held at one unit; `unitPath` is that unit's materialised path. What a grant reaches is decided in core/access/policy.ts. */
export interface Grant {
  role: Role;
  unitId: string;
  unitPath: string;
}

/** The authenticated user behind a request, with every grant they hold. */
export class Actor {
  constructor(
    readonly userId: string,
    readonly email: string,
    readonly grants: Grant[],
  ) {}
}

/** What a verified token says: whose it is and which of their token versions it belongs to. */
export interface TokenSubject {
  userId: string;
  tokenVersion: number;
}

/**
 * Implemented by the accounts domain: turns a verified token into an Actor, or null when the user is gone or
 * inactive or the token's version has been revoked. Runs on every request, so it is one indexed query.
 */
export interface ActorResolver {
  resolve(subject: TokenSubject): Promise<Actor | null>;
}
export const ACTOR_RESOLVER = Symbol('ACTOR_RESOLVER');
