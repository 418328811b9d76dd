import type { EntryPosition } from './entries.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A unit path is slash-separated ids; a reference is at most 50 characters (entry-draft). */
const PATH = /^(\/[0-9a-f-]{36})+\/$/i;

/**
 * The opaque `cursor` a list page hands back as `nextCursor`: where the next page starts. It only positions the
 * list; the caller's scope and filters still apply to every page, so a forged cursor shows nothing more.
 */
export function encodeCursor(position: EntryPosition): string {
  return Buffer.from(JSON.stringify([position.editionId, position.unitPath, position.reference, position.id])).toString('base64url');
}

/** The position a cursor names, or null when the text is not one this list handed out. */
export function decodeCursor(cursor: string): EntryPosition | null {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parts) || parts.length !== 4 || !parts.every((part) => typeof part === 'string')) return null;
  const [editionId, unitPath, reference, id] = parts as string[];
  if (!UUID.test(editionId) || !UUID.test(id) || !PATH.test(unitPath) || reference.length === 0 || reference.length > 200) return null;
  return { editionId, unitPath, reference, id };
}
