import { ArgumentsHost, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { QueryFailedError } from 'typeorm';
import { DomainError, NotFoundError } from './domain-error';
import { DEFAULT_RETRY_AFTER_SECONDS, ErrorFilter } from './error.filter';

/** Runs the filter on `error` and captures what it answers. */
function answer(error: unknown) {
  const reply = { headers: {} as Record<string, string>, status: 0, body: undefined as any };
  const fake = {
    header: (name: string, value: string) => ((reply.headers[name.toLowerCase()] = value), fake),
    status: (status: number) => ((reply.status = status), fake),
    send: (body: unknown) => ((reply.body = body), fake),
  };
  const host = { switchToHttp: () => ({ getResponse: () => fake, getRequest: () => ({ method: 'GET', url: '/entries' }) }) } as unknown as ArgumentsHost;
  new ErrorFilter().catch(error, host);
  return reply;
}

describe('ErrorFilter: outages and Retry-After', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('answers a database outage with 503 in the one error shape and Retry-After, not a 500', () => {
    const reply = answer(new QueryFailedError('SELECT 1', [], Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })));
    expect(reply.status).toBe(503);
    expect(reply.body).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      reason: 'DATABASE_UNAVAILABLE',
      params: {},
      message: 'Cơ sở dữ liệu không trả lời; hãy thử lại sau ít phút',
      details: { dependency: 'database', retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS },
    });
    expect(reply.headers['retry-after']).toBe(String(DEFAULT_RETRY_AFTER_SECONDS));
  });

  it('answers a Redis outage with 503 naming Redis', () => {
    const reply = answer(new Error('Command timed out'));
    expect(reply.status).toBe(503);
    expect(reply.body.details.dependency).toBe('redis');
  });

  it('takes Retry-After from details.retryAfterSeconds of a RATE_LIMITED error, rounded up', () => {
    const reply = answer(new DomainError('RATE_LIMITED', 'TOO_MANY_REQUESTS', { retryAfterSeconds: 41.2 }, { retryAfterSeconds: 41.2 }));
    expect(reply.status).toBe(429);
    expect(reply.headers['retry-after']).toBe('42');
  });

  it('gives every 429 and 503 a Retry-After even when the thrower did not say', () => {
    expect(answer(new DomainError('RATE_LIMITED', 'TOO_MANY_REQUESTS', { retryAfterSeconds: 0 })).headers['retry-after']).toBe(String(DEFAULT_RETRY_AFTER_SECONDS));
    expect(answer(new ThrottlerException()).headers['retry-after']).toBe(String(DEFAULT_RETRY_AFTER_SECONDS));
    expect(answer(new DomainError('SERVICE_UNAVAILABLE', 'LOGIN_UNAVAILABLE', {})).headers['retry-after']).toBe(String(DEFAULT_RETRY_AFTER_SECONDS));
  });

  it('keeps unknown errors a 500 without Retry-After, and other answers without it', () => {
    const unknown = answer(new TypeError('boom'));
    expect(unknown.status).toBe(500);
    expect(unknown.headers['retry-after']).toBeUndefined();
    expect(answer(new NotFoundError('Entry')).headers['retry-after']).toBeUndefined();
  });
});
