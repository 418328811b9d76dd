import { Transform } from 'class-transformer';
import { cleanText } from './text';

/** Trims and NFC-normalises a string property of a DTO. */
export const CleanText = () => Transform(({ value }) => cleanText(value));

/** Lower-cases and trims an e-mail address. */
export const CleanEmail = () => Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value));
