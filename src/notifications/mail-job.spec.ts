import { MAIL_ATTEMPTS, mailJob, messageIdFor, parseMailPayload } from './mail-job';
import { UndeliverableMailError } from './notifications.errors';

describe('mailJob', () => {
  const id = '5b0f4a52-1c7e-4d59-8d0c-3f1f3f0d6a11';

  it('uses the outbox id as job id and carries nothing else', () => {
    const job = mailJob(id);
    expect(job.data).toEqual({ outboxId: id });
    expect(job.opts.jobId).toBe(id);
    expect(job.opts.jobId).not.toContain(':');
  });

  it('retries with growing pauses and keeps a bounded history in Redis', () => {
    const { opts } = mailJob(id);
    expect(opts.attempts).toBe(MAIL_ATTEMPTS);
    expect(opts.backoff).toEqual({ type: 'exponential', delay: expect.any(Number) });
    expect(opts.removeOnComplete).toEqual({ age: expect.any(Number), count: expect.any(Number) });
    expect(opts.removeOnFail).toEqual({ age: expect.any(Number), count: expect.any(Number) });
  });

  it('gives every send of one row the same Message-ID', () => {
    expect(messageIdFor(id)).toBe(`<${id}@contest.local>`);
  });
});

describe('parseMailPayload', () => {
  const good = { template: 'entry-registered', to: ['truong@example.vn'], data: { entryTitle: 'Máy tưới cây' } };

  it('accepts the mail contract', () => {
    expect(parseMailPayload(good)).toEqual(good);
  });

  it.each([
    ['no template', { ...good, template: undefined }, /template/],
    ['a template path', { ...good, template: '../secrets' }, /template/],
    ['no recipients', { ...good, to: [] }, /to must be/],
    ['a recipient that is not an address', { ...good, to: ['truong'] }, /to must be/],
    ['a single address instead of a list', { ...good, to: 'truong@example.vn' }, /to must be/],
    ['data that is a list', { ...good, data: [] }, /data must be an object/],
    ['nothing at all', null, /template.*to must be.*data must be/],
  ])('refuses for good a payload with %s', (_, payload, reason) => {
    expect(() => parseMailPayload(payload)).toThrow(UndeliverableMailError);
    expect(() => parseMailPayload(payload)).toThrow(reason);
  });
});
