export const ROLES = ['admin', 'organiser', 'school', 'judge', 'chair'] as const;
export type Role = (typeof ROLES)[number];

/** A role held at one unit; `unitPath` is that unit's materialised path, so scope tests are prefix tests. */
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

  get isAdmin(): boolean {
    return this.grants.some((g) => g.role === 'admin');
  }

  has(role: Role): boolean {
    return this.grants.some((g) => g.role === role);
  }

  /** Unit paths under which this actor acts in one of `roles`; admins act everywhere (the empty prefix). */
  scopes(...roles: Role[]): string[] {
    if (this.isAdmin) return [''];
    return this.grants.filter((g) => roles.includes(g.role)).map((g) => g.unitPath);
  }

  /** Whether `unitPath` lies at or under a unit where the actor holds one of `roles`. */
  reaches(unitPath: string, ...roles: Role[]): boolean {
    return this.scopes(...roles).some((scope) => unitPath.startsWith(scope));
  }
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
