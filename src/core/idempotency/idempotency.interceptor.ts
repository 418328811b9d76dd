import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { from, Observable, of } from 'rxjs';
import { catchError, mergeMap } from 'rxjs/operators';
import { DataSource } from 'typeorm';
import { Actor } from '../auth/actor';
import { DomainError } from '../errors/domain-error';
import { readUpload } from '../http/upload';
import { IdempotencyRecord } from './idempotency.entity';

const HEADER = 'idempotency-key';

function requestHash(request: { method: string; url: string }, body: unknown): string {
  return createHash('sha256').update(`${request.method} ${request.url}\n`).update(body instanceof Buffer ? body : JSON.stringify(body ?? null)).digest('hex');
}

/** What a request sends: its JSON body, or for an upload the file (read here once and kept for the handler). */
async function requestBody(request: { body: unknown; isMultipart?(): boolean }): Promise<unknown> {
  if (!request.isMultipart?.()) return request.body;
  const upload = await readUpload(request);
  return Buffer.concat([Buffer.from(JSON.stringify({ filename: upload.filename, fields: upload.fields }) + '\n'), upload.content]);
}

/**
 * POST requests carrying an Idempotency-Key run once per user and key: a repeat with the same body gets
 * the first answer, a repeat with another body is a 422, and a repeat while the first is still running a 409.
 * For uploads the file itself is compared, so a retried upload is stored once.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest();
    const key: string | undefined = request.headers[HEADER];
    const actor: Actor | undefined = request.actor;
    if (request.method !== 'POST' || !key || !actor) return next.handle();
    if (key.length > 200) throw new DomainError('VALIDATION_FAILED', 'Idempotency-Key must be at most 200 characters', { problems: [{ field: 'Idempotency-Key', reason: 'longer than 200 characters' }] });
    const reply = context.switchToHttp().getResponse();
    return from(requestBody(request).then((body) => this.claim(actor.userId, key, requestHash(request, body)))).pipe(
      mergeMap((previous) => {
        if (previous) {
          reply.status(previous.responseStatus);
          reply.header('idempotent-replay', 'true');
          return of(previous.responseBody);
        }
        return next.handle().pipe(
          mergeMap((body) => from(this.complete(actor.userId, key, reply.statusCode ?? 201, body)).pipe(mergeMap(() => of(body)))),
          catchError((error) => from(this.release(actor.userId, key)).pipe(mergeMap(() => { throw error; }))),
        );
      }),
    );
  }

  /** Inserts the key, or returns the stored answer of an earlier run with the same body. */
  private async claim(userId: string, key: string, hash: string): Promise<IdempotencyRecord | null> {
    const inserted = await this.db
      .createQueryBuilder()
      .insert()
      .into(IdempotencyRecord)
      .values({ userId, key, requestHash: hash })
      .orIgnore()
      .returning(['key'])
      .execute();
    if (inserted.raw.length > 0) return null;
    const existing = await this.db.getRepository(IdempotencyRecord).findOneByOrFail({ userId, key });
    if (existing.requestHash !== hash) throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request');
    if (existing.responseStatus === null) throw new DomainError('IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed; retry shortly');
    return existing;
  }

  private async complete(userId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.db.getRepository(IdempotencyRecord).update({ userId, key }, { responseStatus: status, responseBody: (body ?? null) as object });
  }

  /** A failed request frees its key so that a corrected retry can go through. */
  private async release(userId: string, key: string): Promise<void> {
    await this.db.getRepository(IdempotencyRecord).delete({ userId, key });
  }
}
