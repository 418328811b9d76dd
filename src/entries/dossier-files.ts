import { reason, Reason } from '../core/errors/domain-error';
/** What a dossier may hold, decided from the bytes of the file (its name and declared type are only claims). */

export interface DossierType {
  mediaType: string;
  /** File-name extensions that honestly describe this type; the first is used on disk. */
  extensions: string[];
  label: string;
}

const PDF: DossierType = { mediaType: 'application/pdf', extensions: ['pdf'], label: 'PDF' };
const JPEG: DossierType = { mediaType: 'image/jpeg', extensions: ['jpg', 'jpeg', 'jfif'], label: 'JPEG' };
const PNG: DossierType = { mediaType: 'image/png', extensions: ['png'], label: 'PNG' };
const WEBP: DossierType = { mediaType: 'image/webp', extensions: ['webp'], label: 'WebP' };

export const DOSSIER_TYPES: readonly DossierType[] = [PDF, JPEG, PNG, WEBP];

function startsWith(content: Buffer, bytes: number[], offset = 0): boolean {
  return content.length >= offset + bytes.length && bytes.every((byte, i) => content[offset + i] === byte);
}

/** The accepted type whose signature opens `content`, or null when it is none of them. */
export function sniffDossierType(content: Buffer): DossierType | null {
  if (startsWith(content, [0x25, 0x50, 0x44, 0x46, 0x2d])) return PDF; // %PDF-
  if (startsWith(content, [0xff, 0xd8, 0xff])) return JPEG;
  if (startsWith(content, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return PNG;
  if (startsWith(content, [0x52, 0x49, 0x46, 0x46]) && startsWith(content, [0x57, 0x45, 0x42, 0x50], 8)) return WEBP; // RIFF....WEBP
  return null;
}

/** The extension of a file name, lower case, without the dot; '' when there is none. */
export function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/**
 * The type of a file offered for a dossier, or why it is refused: its content must be an accepted type, and
 * a name that claims another type (a PDF named `.png`, a program named `.pdf`) is refused as disguised.
 */
export function classifyDossierFile(fileName: string, content: Buffer): { type: DossierType } | { refusal: Reason } {
  const type = sniffDossierType(content);
  if (!type) return { refusal: reason('FILE_TYPE_NOT_ACCEPTED', { accepted: DOSSIER_TYPES.map((t) => t.label) }) };
  const extension = extensionOf(fileName);
  if (extension && !type.extensions.includes(extension)) return { refusal: reason('FILE_EXTENSION_MISMATCH', { type: type.label, extension }) };
  return { type };
}

/** The uploaded name reduced to a harmless display name: last path segment, no control or quoting characters, NFC. */
export function displayFileName(fileName: string, type: DossierType): string {
  const base = (fileName.split(/[\\/]/).pop() ?? '')
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const name = base.replace(/^\.+/, '').slice(-200);
  return name || `dossier.${type.extensions[0]}`;
}

/** `Content-Disposition: attachment` naming the file in ASCII and, for Vietnamese names, in UTF-8 (RFC 6266). */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\;]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Why one more file cannot join a dossier that already holds `count` files, or null when it can. */
export function dossierCapRefusal(count: number, max: number): Reason | null {
  return count >= max ? reason('DOSSIER_FULL', { max, count }) : null;
}
