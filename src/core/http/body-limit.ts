import { RouteConfig } from '@nestjs/platform-fastify';

/** Every JSON body is at most this big unless its route says otherwise (uploads are bounded by the multipart limits). */
export const DEFAULT_BODY_LIMIT = 100 * 1024;

/** For the few bodies that may legitimately be larger: a whole edition definition, an entry with its authors. */
export const LARGE_BODY_LIMIT = 1024 * 1024;

/** Raises this route's body limit; `applyRouteBodyLimit` (an onRoute hook) hands it to Fastify. */
export const LargeBody = () => RouteConfig({ bodyLimit: LARGE_BODY_LIMIT });

export function applyRouteBodyLimit(route: { config?: unknown; bodyLimit?: number }): void {
  const limit = (route.config as { bodyLimit?: unknown } | undefined)?.bodyLimit;
  if (typeof limit === 'number') route.bodyLimit = limit;
}
