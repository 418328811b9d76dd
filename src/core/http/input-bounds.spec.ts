import { INPUT_LIMITS, inputProblems, requestInputProblems, textProblem } from './input-bounds';

describe('request input bounds', () => {
  it('passes ordinary input, Vietnamese in either normal form and paired surrogates included', () => {
    const body = { title: 'Sáng tạo'.normalize('NFD'), authors: [{ fullName: 'Nguyễn Thị Hồng Nhung' }], emoji: '🌱', n: 1, ok: true, none: null };
    expect(inputProblems(body, 'body')).toEqual([]);
  });

  it('names the field holding a NUL or a lone surrogate, in values and in keys', () => {
    expect(inputProblems({ authors: [{ fullName: 'a\u0000b' }] }, 'body')).toEqual([expect.objectContaining({ field: 'authors[0].fullName', reason: expect.stringContaining('NUL') })]);
    expect(inputProblems({ q: 'x\ud800' }, 'query')).toEqual([expect.objectContaining({ field: 'q', reason: expect.stringContaining('surrogate') })]);
    expect(inputProblems({ q: '\udc00x' }, 'query')).toEqual([expect.objectContaining({ field: 'q', reason: expect.stringContaining('surrogate') })]);
    expect(inputProblems({ 'bad\u0000key': 1 }, 'body')).toEqual([expect.objectContaining({ field: 'bad\ufffdkey', reason: expect.stringContaining('name must not contain') })]);
    expect(inputProblems('plain\u0000text', 'body')).toEqual([expect.objectContaining({ field: 'body', reason: expect.stringContaining('NUL') })]);
    expect(textProblem('ok 🌱')).toBeNull();
  });

  it('refuses too many keys, too many values and too deep nesting, without reading further', () => {
    const wide = Object.fromEntries(Array.from({ length: INPUT_LIMITS.keysPerObject + 1 }, (_, i) => [`k${i}`, 0]));
    expect(inputProblems(wide, 'body')).toEqual([expect.objectContaining({ field: 'body', reason: expect.stringContaining('keys') })]);
    expect(inputProblems({ list: new Array(INPUT_LIMITS.values).fill(0) }, 'body')).toEqual([expect.objectContaining({ field: 'body', reason: expect.stringContaining('values') })]);
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    const started = Date.now();
    const problems = inputProblems({ email: deep }, 'body');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(problems).toEqual([expect.objectContaining({ field: `email${'[0]'.repeat(INPUT_LIMITS.depth - 1)}`, reason: expect.stringContaining('levels deep') })]);
  });

  it('lists at most 20 problems however many there are', () => {
    const body = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`k${i}`, '\u0000']));
    expect(requestInputProblems({ body, query: {}, params: {} })).toHaveLength(20);
  });
});
