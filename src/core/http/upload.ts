import { DomainError, FieldProblem, invalidRequest, problem, problemOf, reason, ValidationError } from '../errors/domain-error';
import { invisibleCharacter } from '../text';
import { textProblem } from './input-bounds';

export interface Upload {
  filename: string;
  /** What the client claimed; never trusted for the type, which is sniffed from the content. */
  declaredType: string;
  content: Buffer;
  fields: Record<string, string>;
}

interface MultipartRequest {
  isMultipart?(): boolean;
  file?(options?: unknown): Promise<MultipartFile | undefined>;
  /** The upload once read: the stream can be read only once, and the idempotency check reads it first. */
  readUpload?: Upload;
}

interface MultipartFile {
  filename: string;
  mimetype: string;
  toBuffer(): Promise<Buffer>;
  fields: Record<string, { value?: unknown } | Array<{ value?: unknown }> | undefined>;
}

/** Reads the single file of a multipart/form-data request (field name `file`), within the configured size limit. */
export async function readUpload(request: MultipartRequest): Promise<Upload> {
  if (request.readUpload) return request.readUpload;
  if (!request.isMultipart?.() || !request.file) {
    throw new ValidationError('INVALID_REQUEST', { fields: ['file'] }, [problem('file', 'FILE_MISSING', {})]);
  }
  let part: MultipartFile | undefined;
  let content: Buffer;
  try {
    part = await request.file();
    if (!part) throw new ValidationError('INVALID_REQUEST', { fields: ['file'] }, [problem('file', 'FILE_MISSING', {})]);
    content = await part.toBuffer();
  } catch (error) {
    throw multipartError(error);
  }
  if (content.length === 0) throw new ValidationError('INVALID_REQUEST', { fields: ['file'] }, [problem('file', 'FILE_EMPTY', {})]);
  const fields: Record<string, string> = {};
  const problems: FieldProblem[] = [];
  for (const [name, field] of Object.entries(part.fields)) {
    const single = Array.isArray(field) ? field[0] : field;
    if (!single || typeof single.value !== 'string') continue;
    const broken = textProblem(single.value);
    if (broken) problems.push(problemOf(name, broken));
    else fields[name] = single.value;
  }
  const hidden = invisibleCharacter(part.filename);
  const nameProblem = textProblem(part.filename, true) ?? (hidden ? reason('INVISIBLE_CHARACTERS', { found: hidden }) : null);
  if (nameProblem) problems.unshift(problemOf('file', nameProblem));
  if (problems.length) throw invalidRequest(problems);
  request.readUpload = { filename: part.filename, declaredType: part.mimetype, content, fields };
  return request.readUpload;
}

/**
 * Our own errors go on; the multipart plugin's limits are 413s; anything else the parser throws
 * (no boundary, no closing boundary, a broken part header) means the body is not well-formed multipart.
 */
function multipartError(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  const { code, statusCode } = error as { code?: string; statusCode?: number };
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new DomainError('PAYLOAD_TOO_LARGE', 'FILE_TOO_LARGE', {});
  if (statusCode === 413) return new DomainError('PAYLOAD_TOO_LARGE', 'UPLOAD_TOO_MANY_PARTS', { detail: String(code) });
  return invalidRequest([problem('file', 'MULTIPART_MALFORMED', { detail: (error as Error).message ?? 'unreadable' })]);
}
