import type { Client } from 'pg';

/** The part of pg's connection a COPY FROM STDIN needs (pg calls these on the active query). */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** The columns of `entries` a bench writes by COPY, as a registration writes them (EntriesRepository.insertMany). */
export const ENTRY_COLUMNS = [
  'id',
  'edition_id',
  'unit_id',
  'unit_path',
  'field_id',
  'reference',
  'title',
  'summary',
  'contact_name',
  'contact_email',
  'contact_phone',
  'created_year',
  'search_key',
  'created_by',
  'current_stage_id',
  'current_stage_unit_id',
];

const CHUNK = 64 * 1024;

/**
 * `COPY … FROM STDIN` through node-postgres without pg-copy-streams (not installed): a Submittable that
 * sends the whole text-format payload when the server asks for it. pg drives it like its own queries.
 */
class CopyFromStdin {
  private failure: Error | null = null;

  constructor(
    private readonly sql: string,
    private readonly data: Buffer,
    private readonly settle: (error: Error | null) => void,
  ) {}

  submit(connection: CopyConnection): void {
    connection.query(this.sql);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    for (let offset = 0; offset < this.data.length; offset += CHUNK) connection.sendCopyFromChunk(this.data.subarray(offset, offset + CHUNK));
    connection.endCopyFrom();
  }

  handleCommandComplete(): void {}

  handleError(error: Error): void {
    // pg drops the active query on an error: this is the last call it gets.
    this.failure = error;
    this.settle(error);
  }

  handleReadyForQuery(): void {
    if (!this.failure) this.settle(null);
  }
}

/** Copies rows into `table` (columns in order) with one COPY FROM STDIN. */
export function copyRows(client: Client, table: string, columns: string[], rows: Array<Array<string | number | null>>): Promise<void> {
  const data = Buffer.from(rows.map((row) => row.map(copyField).join('\t')).join('\n') + '\n');
  return new Promise((resolve, reject) => {
    const query = new CopyFromStdin(`COPY ${table} (${columns.join(', ')}) FROM STDIN`, data, (error) => (error ? reject(error) : resolve()));
    void client.query(query as never);
  });
}

/** A value in COPY's text format: `\N` for NULL, backslash escapes for the separators. */
function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}

/** `COPY (query) TO STDOUT` without pg-copy-streams: the rows are counted as they arrive, not kept. */
class CopyToStdout {
  bytes = 0;
  private failure: Error | null = null;

  constructor(
    private readonly sql: string,
    private readonly settle: (error: Error | null, bytes: number) => void,
  ) {}

  submit(connection: CopyConnection): void {
    connection.query(this.sql);
  }

  handleCopyData(message: { chunk: Buffer }): void {
    this.bytes += message.chunk.length;
  }

  handleCommandComplete(): void {}

  handleError(error: Error): void {
    this.failure = error;
    this.settle(error, this.bytes);
  }

  handleReadyForQuery(): void {
    if (!this.failure) this.settle(null, this.bytes);
  }
}

/** Runs `COPY (query) TO STDOUT` with `options` (e.g. `FORMAT csv, HEADER`); resolves to the bytes the server sent. */
export function copyOut(client: Client, query: string, options = 'FORMAT csv, HEADER'): Promise<number> {
  return new Promise((resolve, reject) => {
    const copy = new CopyToStdout(`COPY (${query}) TO STDOUT WITH (${options})`, (error, bytes) => (error ? reject(error) : resolve(bytes)));
    void client.query(copy as never);
  });
}
