import { assertJobCatalogue, catalogueProblems, JOB_CATALOGUE, jobIdFor, jobShape, outboxJobs, SCHEDULED_JOBS } from './job-catalogue';

describe('job catalogue', () => {
  const mail = { topic: 'mail', queue: 'mail', attempts: 8 };
  const scores = { topic: 'scores-changed', queue: 'aggregates', attempts: 3 };

  it('holds as shipped: each topic one queue, each queue the handler this process registers', () => {
    expect(() =>
      assertJobCatalogue(
        JOB_CATALOGUE,
        [...JOB_CATALOGUE, ...SCHEDULED_JOBS].map((job) => job.queue),
        SCHEDULED_JOBS,
      ),
    ).not.toThrow();
  });

  it('fails start-up for a scheduled job nobody handles, or one whose queue the outbox also feeds', () => {
    const reminders = { queue: 'scoring-reminders', everyMs: 60_000, attempts: 1 };
    expect(catalogueProblems([mail], ['mail'], [reminders])).toEqual(['queue "scoring-reminders" has 0 handlers, needs exactly one']);
    expect(catalogueProblems([mail], ['mail'], [{ ...reminders, queue: 'mail' }])).toEqual(['queue "mail" is both scheduled and fed by the outbox']);
  });

  it('fails start-up for a job nobody handles', () => {
    expect(() => assertJobCatalogue([mail, scores], ['mail'])).toThrow('queue "aggregates" has 0 handlers, needs exactly one');
  });

  it('fails start-up for a queue with two handlers', () => {
    expect(() => assertJobCatalogue([mail], ['mail', 'mail'])).toThrow('queue "mail" has 2 handlers, needs exactly one');
  });

  it('names a handler for a queue no job feeds, and a topic fed to two queues', () => {
    expect(catalogueProblems([mail, { ...scores, topic: 'mail' }], ['mail', 'aggregates', 'reports'])).toEqual([
      'topic "mail" is fed to 2 queues',
      'a handler consumes queue "reports", which no catalogue job feeds',
    ]);
  });
});

describe('outboxJobs', () => {
  const id = '5b0f4a52-1c7e-4d59-8d0c-3f1f3f0d6a11';
  const mail = JOB_CATALOGUE[0];

  it('uses the first outbox id as job id and carries nothing but the ids', () => {
    const [job] = outboxJobs(mail, [{ id, requeues: 0 }], 10_000);
    expect(job.data).toEqual({ outboxIds: [id] });
    expect(job.opts.jobId).toBe(id);
  });

  it('carries at most rowsPerJob rows a job, every row once, in order', () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({ id: `row-${i}`, requeues: i === 3 ? 2 : 0 }));
    const jobs = outboxJobs({ ...mail, rowsPerJob: 3 }, rows, 10_000);
    expect(jobs.map((job) => job.data.outboxIds)).toEqual([['row-0', 'row-1', 'row-2'], ['row-3', 'row-4', 'row-5'], ['row-6']]);
    expect(jobs.map((job) => job.opts.jobId)).toEqual(['row-0', jobIdFor('row-3', 2), 'row-6']);
    expect(outboxJobs({ ...mail, rowsPerJob: undefined }, rows, 10_000)).toHaveLength(7);
  });

  it.each([1, 7, 50, 333, 1000, 10_000])('never lets more rows a second through than a budget of %i, and keeps close to it', (rate) => {
    const { rowsPerJob, jobsPerSecond } = jobShape(mail, rate);
    expect(rowsPerJob * jobsPerSecond).toBeLessThanOrEqual(Math.max(rate, 1));
    expect(rowsPerJob).toBeLessThanOrEqual(mail.rowsPerJob!);
    expect(jobsPerSecond).toBeGreaterThanOrEqual(1);
    expect(rowsPerJob * jobsPerSecond).toBeGreaterThan(rate / 2);
  });

  it.each([
    [10_000, 100, 2],
    [700, 70, 3],
    [500, 50, 4],
    [50, 5, 4],
  ])('at a budget of %i holds %i-row jobs, %i at once', (rate, rows, inHand) => {
    const shape = jobShape(mail, rate);
    expect(shape.rowsPerJob).toBe(rows);
    expect(shape.jobsInHand).toBe(inHand);
  });

  it('gives each requeue of a row its own job id, never one BullMQ refuses', () => {
    const ids = [0, 1, 2].map((requeues) => jobIdFor(id, requeues));
    expect(new Set(ids).size).toBe(3);
    for (const jobId of ids) {
      expect(jobId).not.toContain(':');
      expect(Number.isInteger(Number(jobId))).toBe(false);
    }
  });

  it('retries with exponential pauses from the configured first one and keeps a bounded history in Redis', () => {
    const [{ opts }] = outboxJobs(mail, [{ id, requeues: 0 }], 250);
    expect(opts.attempts).toBe(mail.attempts);
    expect(opts.backoff).toEqual({ type: 'exponential', delay: 250 });
    expect(opts.removeOnComplete).toEqual({ age: expect.any(Number), count: expect.any(Number) });
    expect(opts.removeOnFail).toEqual({ age: expect.any(Number), count: expect.any(Number) });
  });
});
