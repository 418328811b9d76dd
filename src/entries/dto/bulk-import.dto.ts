import { ApiProperty } from '@nestjs/swagger';

export class BulkImportFileDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'CSV (UTF-8, comma or semicolon) or XLSX (first sheet); the type is read from the content' })
  file: unknown;
}

export class ImportedEntryView {
  @ApiProperty({ example: 2, description: 'Row number in the file (the header is row 1)' }) row: number;
  @ApiProperty({ example: 'ST-KS-01', description: 'Code of the school the entry belongs to' }) schoolCode: string;
  @ApiProperty({ example: 'KS01-2017-001' }) reference: string;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['created', 'skipped'], description: '`skipped`: an identical entry with this reference was already registered' })
  status: 'created' | 'skipped';
}

export class BulkImportResultView {
  @ApiProperty({ example: 3, description: 'Entries registered by this upload' }) created: number;
  @ApiProperty({ example: 0, description: 'Rows already registered with the same reference and content (a re-upload)' }) skipped: number;
  @ApiProperty({ example: 3, description: 'Rows in the file' }) total: number;
  @ApiProperty({ type: [ImportedEntryView] }) entries: ImportedEntryView[];
  @ApiProperty({ type: [Number], example: [], description: "Rows holding the template's example (reference VI-DU): never registered" }) exampleRows: number[];
}
