import { invalidRequest, problem } from './domain-error';
import { excerpt, listedProblems, MAX_LISTED_PROBLEMS } from './problem-list';

describe('problem lists', () => {
  const problems = (n: number) => Array.from({ length: n }, (_, i) => problem('title', 'FIELD_REQUIRED', {}, i + 2));

  it('lists every problem up to the cap, then the first ones and how many were left out', () => {
    expect(listedProblems(problems(MAX_LISTED_PROBLEMS))).toEqual({ problems: problems(MAX_LISTED_PROBLEMS) });
    const listed = listedProblems(problems(50_000));
    expect(listed.problems).toEqual(problems(MAX_LISTED_PROBLEMS));
    expect(listed.omitted).toBe(50_000 - MAX_LISTED_PROBLEMS);
  });

  it('caps what every validation error lists', () => {
    expect(invalidRequest(problems(1000)).details).toMatchObject({ omitted: 800, problems: expect.any(Array) });
  });

  it('cuts long cell text quoted in a reason', () => {
    expect(excerpt('x'.repeat(10_000))).toBe(`${'x'.repeat(60)}…`);
    expect(excerpt('0912 345 678')).toBe('0912 345 678');
  });
});
