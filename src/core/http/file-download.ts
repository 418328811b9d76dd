import { StreamableFile } from '@nestjs/common';

/** A file the API hands out as an attachment (exports, templates). */
export interface DownloadFile {
  content: Buffer;
  fileName: string;
  mediaType: string;
}

export const SPREADSHEET_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

export type SpreadsheetFormat = keyof typeof SPREADSHEET_TYPES;

export function download(file: DownloadFile): StreamableFile {
  return new StreamableFile(file.content, { type: file.mediaType, disposition: `attachment; filename="${file.fileName}"`, length: file.content.length });
}
