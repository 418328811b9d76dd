import { DomainError } from '../errors/domain-error';

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
    throw new DomainError('VALIDATION_FAILED', 'Send the file as multipart/form-data in a field named "file"', { problems: [{ field: 'file', reason: 'missing' }] });
  }
  const part = await request.file();
  if (!part) throw new DomainError('VALIDATION_FAILED', 'No file was sent', { problems: [{ field: 'file', reason: 'missing' }] });
  let content: Buffer;
  try {
    content = await part.toBuffer();
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new DomainError('PAYLOAD_TOO_LARGE', 'The file is larger than the upload limit');
    throw error;
  }
  if (content.length === 0) throw new DomainError('VALIDATION_FAILED', 'The file is empty', { problems: [{ field: 'file', reason: 'empty' }] });
  const fields: Record<string, string> = {};
  for (const [name, field] of Object.entries(part.fields)) {
    const single = Array.isArray(field) ? field[0] : field;
    if (single && typeof single.value === 'string') fields[name] = single.value;
  }
  request.readUpload = { filename: part.filename, declaredType: part.mimetype, content, fields };
  return request.readUpload;
}
