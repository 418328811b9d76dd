import { CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import type { Observable } from 'rxjs';

/**
 * Where a read view and its write body share a shape, the properties only the view has: `top` on the body
 * itself, `nested[list]` on each item of one of its arrays.
 */
export interface ReadOnlyShape {
  top: readonly string[];
  nested?: Readonly<Record<string, readonly string[]>>;
}

/** Removes the view's read-only properties from a body, so what a client read can be sent back as it is. */
export function withoutReadOnly(body: unknown, shape: ReadOnlyShape): void {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return;
  const record = body as Record<string, unknown>;
  for (const key of shape.top) delete record[key];
  for (const [list, keys] of Object.entries(shape.nested ?? {})) {
    const items = record[list];
    if (!Array.isArray(items)) continue;
    for (const item of items) if (item && typeof item === 'object' && !Array.isArray(item)) for (const key of keys) delete (item as Record<string, unknown>)[key];
  }
}

/** Interceptors run before pipes: the global validation then sees only what the route takes. */
@Injectable()
class ReadOnlyPropertiesInterceptor implements NestInterceptor {
  constructor(private readonly shape: ReadOnlyShape) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    withoutReadOnly(context.switchToHttp().getRequest<{ body?: unknown }>().body, this.shape);
    return next.handle();
  }
}

/** Accepts (and ignores) the read-only properties of `shape` in this route's body. */
export const IgnoresReadOnly = (shape: ReadOnlyShape) => UseInterceptors(new ReadOnlyPropertiesInterceptor(shape));
