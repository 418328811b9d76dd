import type { EntryPage } from './dto/entry.dto';

const COMMA = Buffer.from(',');

/**
 * A list page's answer (EntryPage) as UTF-8 JSON, around items PostgreSQL already wrote as UTF-8 JSON: the API sends
 * their bytes on as they came, rather than parsing every row into objects only to write them out again.
 */
export function entryPageJson(items: readonly Buffer[], page: Omit<EntryPage, 'items'>): Buffer {
  const parts: Buffer[] = [Buffer.from('{"items":[')];
  for (const [i, item] of items.entries()) {
    if (i > 0) parts.push(COMMA);
    parts.push(item);
  }
  parts.push(
    Buffer.from(`],"pageSize":${JSON.stringify(page.pageSize)},"nextCursor":${JSON.stringify(page.nextCursor)},"total":${JSON.stringify(page.total)},"totalExact":${JSON.stringify(page.totalExact)}}`),
  );
  return Buffer.concat(parts);
}
