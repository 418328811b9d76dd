/** A small HTTP client of the public API, as any front end would use it: JSON, bearer tokens, multipart uploads. */

export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} answered ${status}: ${body.slice(0, 800)}`);
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** 503 (a dependency busy) and 429 are retried after their Retry-After, a few times, as a careful client does. */
const RETRIES = 5;

export class Api {
  /** Requests sent, for the phase table. */
  requests = 0;
  /** Told each answered request's wall time (for the time per route). */
  onAnswer?: (method: Method, path: string, ms: number) => void;

  constructor(readonly baseUrl: string) {}

  async call<T = any>(method: Method, path: string, options: { token?: string; body?: unknown; form?: FormData; accept?: number[] } = {}): Promise<T> {
    const headers: Record<string, string> = { 'accept-language': 'en' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | FormData | undefined;
    if (options.form) body = options.form;
    else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    for (let attempt = 0; ; attempt++) {
      this.requests += 1;
      const sent = performance.now();
      const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
      const text = await response.text();
      this.onAnswer?.(method, path, performance.now() - sent);
      if (response.ok) return (text ? JSON.parse(text) : undefined) as T;
      if ((response.status === 503 || response.status === 429) && attempt < RETRIES) {
        const wait = Math.min(30, Number(response.headers.get('retry-after')) || 1);
        await new Promise((resolve) => setTimeout(resolve, wait * 1000));
        continue;
      }
      if (options.accept?.includes(response.status)) return (text ? JSON.parse(text) : undefined) as T;
      throw new ApiError(method, path, response.status, text);
    }
  }

  async login(email: string, password: string): Promise<string> {
    const { accessToken } = await this.call<{ accessToken: string }>('POST', '/auth/login', { body: { email, password } });
    return accessToken;
  }

  /** Every item of a listing, page by page (a `nextCursor`, where a listing gives one, is followed instead). */
  async all<T = any>(path: string, token: string): Promise<T[]> {
    const items: T[] = [];
    const sep = path.includes('?') ? '&' : '?';
    let cursor: string | undefined;
    for (let page = 1; ; page++) {
      const query = cursor ? `cursor=${encodeURIComponent(cursor)}&pageSize=500` : `page=${page}&pageSize=500`;
      const result = await this.call<{ items: T[]; total?: number; nextCursor?: string | null }>('GET', `${path}${sep}${query}`, { token });
      items.push(...result.items);
      if ('nextCursor' in result) {
        if (!result.nextCursor) return items;
        cursor = result.nextCursor;
      } else if (!result.items.length || items.length >= (result.total ?? 0)) return items;
    }
  }

  upload<T = any>(path: string, token: string, fileName: string, content: string, contentType = 'text/csv'): Promise<T> {
    const form = new FormData();
    form.append('file', new Blob([content], { type: contentType }), fileName);
    return this.call<T>('POST', path, { token, form });
  }
}

/** Runs `work` over `items`, at most `concurrency` at once, in order of start; the first failure stops the rest. */
export async function inPool<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const runner = async () => {
    while (failed === null && next < items.length) {
      const i = next++;
      try {
        await work(items[i], i);
      } catch (error) {
        failed ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, runner));
  if (failed !== null) throw failed;
}
