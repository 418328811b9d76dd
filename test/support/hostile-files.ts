import { constants, crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';

/**
 * Spreadsheet files built byte by byte, the way an attacker would write them: tiny on the wire, with
 * row numbers, columns and part sizes no spreadsheet program would write. Parts are generated in chunks
 * and deflated piece by piece (a run of one repeated chunk deflated once), so building a file that inflates to
 * hundreds of megabytes stays small and quick here.
 */

/** One chunk `times` over in a row: deflated once and its compressed bytes repeated, not compressed `times` over. */
export interface Repeat {
  chunk: Buffer;
  times: number;
}

export type Chunks = Iterable<string | Buffer | Repeat>;

export interface ZipPart {
  name: string;
  data: Chunks;
  /** An uncompressed size to claim in the headers instead of the real one (they are not to be trusted). */
  claimedSize?: number;
}

/** Raw deflate of `chunks`, ended by a full flush rather than a last block: such pieces join into one stream. */
async function deflatedPiece(chunks: Buffer[]): Promise<Buffer> {
  const deflate = createDeflateRaw({ level: 1, finishFlush: constants.Z_FULL_FLUSH });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise<void>((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  for (const chunk of chunks) if (!deflate.write(chunk)) await new Promise((resolve) => deflate.once('drain', resolve));
  deflate.end();
  await done;
  return Buffer.concat(out);
}

async function deflated(data: Chunks): Promise<{ compressed: Buffer; crc: number; size: number }> {
  const out: Buffer[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pending.length) out.push(await deflatedPiece(pending));
    pending = [];
    pendingBytes = 0;
  };
  let crc = 0;
  let size = 0;
  for (const piece of data) {
    if (typeof piece === 'string' || Buffer.isBuffer(piece)) {
      const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
      crc = crc32(chunk, crc);
      size += chunk.length;
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= 16_000_000) await flush();
      continue;
    }
    await flush();
    // After a full flush nothing refers back past it, so the same compressed bytes stand for every copy.
    const once = deflateRawSync(piece.chunk, { level: 1, finishFlush: constants.Z_FULL_FLUSH });
    for (let i = 0; i < piece.times; i += 1) {
      crc = crc32(piece.chunk, crc);
      out.push(once);
    }
    size += piece.chunk.length * piece.times;
  }
  await flush();
  // The last block, empty.
  out.push(deflateRawSync(Buffer.alloc(0)));
  return { compressed: Buffer.concat(out), crc, size };
}

/** A ZIP archive of deflated parts, with local headers, a central directory and its end record. */
export async function zipOf(parts: ZipPart[]): Promise<Buffer> {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const { compressed, crc, size } = await deflated(part.data);
    const name = Buffer.from(part.name);
    const claimed = part.claimedSize ?? size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(claimed, 22);
    local.writeUInt16LE(name.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(8, 10);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(compressed.length, 20);
    header.writeUInt32LE(claimed, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    central.push(header, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DOC_RELS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

function* concat(...pieces: Chunks[]): Generator<string | Buffer | Repeat> {
  for (const piece of pieces) yield* piece;
}

/** An XLSX with one sheet: `rows` are `<row>` elements, `strings` the shared strings they may point at (`t="s"`). */
export function xlsxOf(rows: Chunks, strings: Chunks = []): Promise<Buffer> {
  return zipOf([
    {
      name: '[Content_Types].xml',
      data: [
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
          '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
      ],
    },
    {
      name: '_rels/.rels',
      data: [`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`],
    },
    {
      name: 'xl/workbook.xml',
      data: [`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}" xmlns:r="${DOC_RELS}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`],
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: [
        `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>` +
          `<Relationship Id="rId2" Type="${DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
      ],
    },
    { name: 'xl/sharedStrings.xml', data: concat([`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${MAIN}">`], strings, ['</sst>']) },
    { name: 'xl/worksheets/sheet1.xml', data: concat([`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData>`], rows, ['</sheetData></worksheet>']) },
  ]);
}

/** A `<row>` of inline-string cells starting at column A. */
export function rowXml(number: number, cells: string[], firstColumn = 'A'): string {
  const start = columnNumber(firstColumn);
  return `<row r="${number}">${cells.map((text, i) => `<c r="${columnLetters(start + i)}${number}" t="inlineStr"><is><t>${text}</t></is></c>`).join('')}</row>`;
}

function columnNumber(letters: string): number {
  return [...letters].reduce((n, letter) => n * 26 + letter.charCodeAt(0) - 64, 0);
}

function columnLetters(number: number): string {
  let letters = '';
  for (let n = number; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** `count` copies of `piece`: chunks of about 1 MB, each the same, then what remains. */
export function* repeated(piece: string, count: number): Generator<Repeat | string> {
  const perChunk = Math.max(1, Math.floor(1_000_000 / piece.length));
  const times = Math.floor(count / perChunk);
  if (times) yield { chunk: Buffer.from(piece.repeat(perChunk)), times };
  if (count % perChunk) yield piece.repeat(count % perChunk);
}

/** Rows 2..count+1 of one short cell each, generated lazily. */
export function* manyRows(count: number): Generator<string> {
  const batch: string[] = [];
  for (let n = 2; n <= count + 1; n += 1) {
    batch.push(`<row r="${n}"><c r="A${n}"><v>${n}</v></c></row>`);
    if (batch.length === 10_000) yield batch.splice(0).join('');
  }
  yield batch.join('');
}

/**
 * Heap growth and CPU time of `run`, for the generous safety bounds the attack tests assert. CPU time, not wall
 * time: what this process spent is what an attack costs, and it does not grow when other work shares the machine.
 */
export async function measured<T>(run: () => Promise<T>): Promise<{ outcome: T | unknown; cpuMs: number; heapGrowthMb: number; longestBlockMs: number }> {
  const heapBefore = process.memoryUsage().heapUsed;
  let peak = heapBefore;
  let lastTick = performance.now();
  let longestBlockMs = 0;
  // Sampling on a timer also shows how long the event loop went without a turn.
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    const now = performance.now();
    longestBlockMs = Math.max(longestBlockMs, now - lastTick);
    lastTick = now;
  }, 5);
  const cpuBefore = process.cpuUsage();
  let outcome: T | unknown;
  try {
    outcome = await run();
  } catch (error) {
    outcome = error;
  }
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  longestBlockMs = Math.max(longestBlockMs, performance.now() - lastTick);
  return { outcome, cpuMs: (cpu.user + cpu.system) / 1000, heapGrowthMb: (peak - heapBefore) / 1024 / 1024, longestBlockMs };
}
