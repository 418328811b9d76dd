import { VerifiedTokens } from './verified-tokens';

describe('VerifiedTokens', () => {
  const sub = '0b3f2c1e-8d4a-4c2b-9f1e-2a3b4c5d6e7f';
  let nowMs = 1_000_000_000_000;
  const exp = nowMs / 1000 + 60;
  const verifier = (payloads: Record<string, unknown>) => {
    const calls: string[] = [];
    const verify = async (token: string) => {
      calls.push(token);
      if (!(token in payloads)) throw new Error('invalid signature');
      return payloads[token];
    };
    return { calls, verify };
  };

  beforeEach(() => {
    nowMs = 1_000_000_000_000;
  });

  it('verifies a token once and answers its subject from memory afterwards', async () => {
    const tokens = new VerifiedTokens(10, () => nowMs);
    const { calls, verify } = verifier({ a: { sub, ver: 2, exp } });
    expect(await tokens.subject('a', verify)).toEqual({ userId: sub, tokenVersion: 2 });
    expect(await tokens.subject('a', verify)).toEqual({ userId: sub, tokenVersion: 2 });
    expect(calls).toEqual(['a']);
  });

  it('stops answering a remembered token at the start of its expiry second, and verifies it again', async () => {
    const tokens = new VerifiedTokens(10, () => nowMs);
    const { calls, verify } = verifier({ a: { sub, ver: 0, exp } });
    await tokens.subject('a', verify);
    nowMs = exp * 1000 - 1;
    expect(await tokens.subject('a', verify)).not.toBeNull();
    expect(calls).toHaveLength(1);
    nowMs = exp * 1000;
    // The verifier decides again (jsonwebtoken would refuse it now).
    await tokens.subject('a', verify);
    expect(calls).toHaveLength(2);
  });

  it('never remembers a token that failed or whose claims are not ours', async () => {
    const tokens = new VerifiedTokens(10, () => nowMs);
    const { calls, verify } = verifier({ noVersion: { sub, exp } });
    await expect(tokens.subject('forged', verify)).rejects.toThrow('invalid signature');
    await expect(tokens.subject('forged', verify)).rejects.toThrow('invalid signature');
    expect(await tokens.subject('noVersion', verify)).toBeNull();
    expect(await tokens.subject('noVersion', verify)).toBeNull();
    expect(calls).toEqual(['forged', 'forged', 'noVersion', 'noVersion']);
  });

  it('drops the oldest token past its capacity', async () => {
    const tokens = new VerifiedTokens(2, () => nowMs);
    const { calls, verify } = verifier({ a: { sub, ver: 0, exp }, b: { sub, ver: 1, exp }, c: { sub, ver: 2, exp } });
    for (const token of ['a', 'b', 'c', 'b', 'c', 'a']) await tokens.subject(token, verify);
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
  });
});
