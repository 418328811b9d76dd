import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { from, Observable, of, throwError } from 'rxjs';
import { catchError, map, mergeMap } from 'rxjs/operators';
import { DataSource } from 'typeorm';
import { Actor } from '../auth/actor';
import { APP_CONFIG, AppConfig } from '../config/config';
import { ConflictError, DomainError, problem, ValidationError } from '../errors/domain-error';
import { readUpload } from '../http/upload';
import { IDEMPOTENCY_RETENTION_HOURS } from '../retention/retention';
import { IdempotencyRecord } from './idempotency.entity';
import { IdempotencyClaim, idempotencyScope } from './idempotency-scope';

const HEADER = 'idempotency-key';
/** Expired keys removed per claim: each claim adds at most one key, so expired ones cannot pile up. */
const SWEEP_BATCH = 100;

function requestHash(request: { method: string; url: string }, body: unknown): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n`)
    .update(body instanceof Buffer ? body : JSON.stringify(body ?? null))
    .digest('hex');
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
 *
 * The first request holds the key for a lease (IDEMPOTENCY_LEASE_SECONDS); a request that died (process
 * killed) leaves its key unanswered, and a repeat after the lease ran out takes it over. Whether the change
 * happened is not left to the answer stored afterwards: every transaction the handler commits marks the key
 * committed in that same transaction (IdempotencyCommitMark, reached through AsyncLocalStorage), so a key
 * whose change committed is never taken over or run again, even when storing its answer failed (then a
 * repeat answers 409 instead of replaying). Keys expire after IDEMPOTENCY_RETENTION_HOURS: each claim
 * treats an expired key as new and deletes a batch of expired ones (a lazy sweep, no timer).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest();
    const key: string | undefined = request.headers[HEADER];
    const actor: Actor | undefined = request.actor;
    if (request.method !== 'POST' || !key || !actor) return next.handle();
    if (key.length > 200) throw new ValidationError('IDEMPOTENCY_KEY_TOO_LONG', { max: 200 }, [problem('Idempotency-Key', 'TOO_LONG', { max: 200 })]);
    const reply = context.switchToHttp().getResponse();
    return from(requestBody(request).then((body) => this.claim(actor.userId, key, requestHash(request, body)))).pipe(
      mergeMap((claimed) => {
        if ('responseStatus' in claimed) {
          reply.status(claimed.responseStatus);
          reply.header('idempotent-replay', 'true');
          return of(claimed.responseBody);
        }
        // The handler is bound to the claim here, so that every transaction it runs can mark the key.
        return idempotencyScope
          .run(claimed, () => next.handle())
          .pipe(
            mergeMap((body) => from(this.complete(claimed, reply.statusCode ?? 201, body)).pipe(map(() => body))),
            // If even the release fails, the lease runs out and a repeat takes the key over: answer with the first error.
            catchError((error) => from(this.release(claimed).catch(() => undefined)).pipe(mergeMap(() => throwError(() => error)))),
          );
      }),
    );
  }

  /** Claims the key for this request, or returns the stored answer of an earlier run with the same body. */
  private async claim(userId: string, key: string, hash: string): Promise<IdempotencyClaim | IdempotencyRecord> {
    await this.sweep();
    const leaseId = randomUUID();
    // One statement decides, so two repeats racing for a stale key cannot both take it over.
    const [claimed] = await this.db.query(
      `INSERT INTO idempotency_keys (user_id, key, request_hash, lease_id, locked_until)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
       ON CONFLICT (user_id, key) DO UPDATE
          SET request_hash = EXCLUDED.request_hash, lease_id = EXCLUDED.lease_id, locked_until = EXCLUDED.locked_until,
              response_status = NULL, response_body = NULL, committed_at = NULL, created_at = now()
        WHERE idempotency_keys.created_at < now() - make_interval(hours => $6)
           OR (idempotency_keys.response_status IS NULL AND idempotency_keys.committed_at IS NULL
               AND idempotency_keys.locked_until < now() AND idempotency_keys.request_hash = EXCLUDED.request_hash)
       RETURNING lease_id AS "leaseId"`,
      [userId, key, hash, leaseId, this.config.idempotencyLeaseSeconds, IDEMPOTENCY_RETENTION_HOURS],
    );
    if (claimed?.leaseId === leaseId) return { userId, key, leaseId };
    const existing = await this.db.getRepository(IdempotencyRecord).findOneBy({ userId, key });
    if (existing && existing.requestHash !== hash) throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_REUSED', {});
    if (existing?.responseStatus != null) return existing;
    if (existing?.committedAt) {
      throw new ConflictError('IDEMPOTENCY_ANSWER_LOST', {});
    }
    throw new DomainError(
      'IDEMPOTENCY_IN_PROGRESS',
      'IDEMPOTENCY_IN_PROGRESS',
      {},
      {
        lockedUntil: existing?.lockedUntil ?? null,
      },
    );
  }

  /** Deletes a batch of expired keys, skipping any a concurrent claim is working on. */
  private async sweep(): Promise<void> {
    await this.db.query(
      `DELETE FROM idempotency_keys WHERE (user_id, key) IN (
         SELECT user_id, key FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)
          ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [IDEMPOTENCY_RETENTION_HOURS, SWEEP_BATCH],
    );
  }

  private async complete(claim: IdempotencyClaim, status: number, body: unknown): Promise<void> {
    claim.settled = true;
    await this.db.query(`UPDATE idempotency_keys SET response_status = $4, response_body = $5::jsonb WHERE user_id = $1 AND key = $2 AND lease_id = $3`, [
      claim.userId,
      claim.key,
      claim.leaseId,
      status,
      JSON.stringify(body ?? null),
    ]);
  }

  /** A failed request frees its key so that a corrected retry can go through, unless it already saved a change. */
  private async release(claim: IdempotencyClaim): Promise<void> {
    claim.settled = true;
    await this.db.query(`DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND lease_id = $3 AND committed_at IS NULL`, [claim.userId, claim.key, claim.leaseId]);
  }
}
