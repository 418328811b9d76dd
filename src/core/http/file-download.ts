import { StreamableFile } from '@nestjs/common';
import { Readable } from 'node:stream';

/** A file the API hands out as an attachment (exports, templates). */
export interface DownloadFile {
  /** A stream for exports that are written as they are read from the database; its length is not known up front. */
  content: Buffer | Readable;
  fileName: string;
  mediaType: string;
}

export const SPREADSHEET_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

export type SpreadsheetFormat = keyof typeof SPREADSHEET_TYPES;

export function download(file: DownloadFile): StreamableFile {
  const options = { type: file.mediaType, disposition: `attachment; filename="${file.fileName}"` };
  return Buffer.isBuffer(file.content) ? new StreamableFile(file.content, { ...options, length: file.content.length }) : new StreamableFile(file.content, options);
}
