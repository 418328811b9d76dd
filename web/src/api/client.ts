import type { components, paths } from './schema';

/** The API's one error shape, and one field problem of it. */
export type ErrorResponse = components['schemas']['ErrorResponse'];
export type FieldProblem = components['schemas']['FieldProblemResponse'];

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Operation<P extends keyof paths, M extends Method> = M extends keyof paths[P] ? NonNullable<paths[P][M]> : never;
type ParamsOf<O> = O extends { parameters: infer X } ? X : object;
type PathOf<O> = ParamsOf<O> extends { path: infer X } ? X : never;
type QueryOf<O> = ParamsOf<O> extends { query?: infer X } ? X : never;
type BodyOf<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : unknown;
type OkOf<O> = O extends { responses: infer R } ? (200 extends keyof R ? JsonOf<R[200]> : 201 extends keyof R ? JsonOf<R[201]> : unknown) : unknown;

export interface CallOptions<O> {
  path?: PathOf<O>;
  query?: QueryOf<O>;
  body?: BodyOf<O>;
}

/** A refusal by the API, carried as it was given: the page shows `message` and puts each problem next to its field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorResponse,
  ) {
    super(body.message);
  }

  get problems(): FieldProblem[] {
    const problems = (this.body.details as { problems?: FieldProblem[] }).problems;
    return Array.isArray(problems) ? problems : [];
  }
}

interface Session {
  token: () => string | null;
  language: () => 'vi' | 'en';
  /** A signed-in call answered 401: the token expired or was revoked. */
  expired: () => void;
}

let session: Session = { token: () => null, language: () => 'vi', expired: () => undefined };

export function bindSession(next: Session): void {
  session = next;
}

function headers(json: boolean): Record<string, string> {
  const out: Record<string, string> = { accept: 'application/json', 'accept-language': session.language() === 'en' ? 'en' : 'vi' };
  const token = session.token();
  if (token) out.authorization = `Bearer ${token}`;
  if (json) out['content-type'] = 'application/json';
  return out;
}

export function urlOf(template: string, path?: object, query?: object): string {
  let url = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String((path as Record<string, unknown>)[name])));
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  if ([...search].length) url += `?${search}`;
  return url;
}

async function failure(response: Response, signedIn: boolean): Promise<ApiError> {
  if (response.status === 401 && signedIn) session.expired();
  let body: ErrorResponse;
  try {
    body = (await response.json()) as ErrorResponse;
  } catch {
    body = { code: 'INTERNAL', reason: 'INTERNAL_ERROR' as ErrorResponse['reason'], params: {}, message: `HTTP ${response.status}`, details: {} };
  }
  return new ApiError(response.status, body);
}

/** Calls one operation of the OpenAPI document: path, parameters, body and answer are typed from it. */
export async function api<P extends keyof paths, M extends Method>(method: M, path: P, options: CallOptions<Operation<P, M>> = {}): Promise<OkOf<Operation<P, M>>> {
  const signedIn = session.token() !== null;
  const response = await fetch(urlOf(path as string, options.path as object, options.query as object), {
    method: method.toUpperCase(),
    headers: headers(options.body !== undefined),
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (!response.ok) throw await failure(response, signedIn);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as OkOf<Operation<P, M>>;
}

/** A signed-in file (an export): fetched with the token, then handed to the browser as a download. */
export async function download<P extends keyof paths>(path: P, options: CallOptions<Operation<P, 'get'>> = {}): Promise<void> {
  const response = await fetch(urlOf(path as string, options.path as object, options.query as object), { headers: headers(false) });
  if (!response.ok) throw await failure(response, session.token() !== null);
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)/i.exec(response.headers.get('content-disposition') ?? '')?.[1];
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = name ? decodeURIComponent(name) : (path as string).split('/').pop()!;
  link.click();
  URL.revokeObjectURL(link.href);
}

type MultipartOf<O> = O extends { requestBody?: { content: { 'multipart/form-data': unknown } } } ? O : never;

/**
 * Sends one file to a multipart operation by XMLHttpRequest, whose upload events fetch does not give: `progress`
 * hears the share sent, 0 to 1. A refusal comes back as the same ApiError as `api`'s.
 */
export function upload<P extends keyof paths>(
  path: P,
  options: { path: PathOf<MultipartOf<Operation<P, 'post'>>>; file: File; progress: (sent: number) => void },
): Promise<OkOf<Operation<P, 'post'>>> {
  const signedIn = session.token() !== null;
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', urlOf(path as string, options.path as object));
    for (const [name, value] of Object.entries(headers(false))) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => event.lengthComputable && options.progress(event.loaded / event.total);
    request.onerror = () => reject(new Error('Network error'));
    request.onload = () => {
      const response = new Response(request.responseText || null, { status: request.status });
      if (request.status >= 200 && request.status < 300) resolve((request.responseText ? JSON.parse(request.responseText) : undefined) as OkOf<Operation<P, 'post'>>);
      else failure(response, signedIn).then(reject, reject);
    };
    const form = new FormData();
    form.append('file', options.file);
    request.send(form);
  });
}
