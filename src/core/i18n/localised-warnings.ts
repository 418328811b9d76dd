import { CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { map, Observable } from 'rxjs';
import { localisedProblems } from '../errors/problem-list';
import { preferredLocale } from './format';

/**
 * Renders the `warnings` of an answer (catalogue problems, made with English reasons) in the language the request's
 * Accept-Language prefers, as the error filter renders an error's problems: Vietnamese unless English is preferred.
 */
@Injectable()
export class LocalisedWarningsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const locale = preferredLocale(context.switchToHttp().getRequest<{ headers?: Record<string, string | string[] | undefined> }>().headers?.['accept-language']);
    return next.handle().pipe(
      map((body: unknown) => {
        const warnings = (body as { warnings?: unknown } | null)?.warnings;
        return Array.isArray(warnings) ? { ...(body as object), warnings: localisedProblems(warnings, locale) } : body;
      }),
    );
  }
}

/** On a controller or route whose answers carry `warnings`. */
export const LocalisesWarnings = () => UseInterceptors(LocalisedWarningsInterceptor);
