import { Transform } from 'class-transformer';
import { Matches, ValidateBy, ValidationOptions } from 'class-validator';
import { isIsoDate } from './dates';
import { cleanEmail, cleanText, invisibleCharacter, SAFE_CODE } from './text';

/** Trims and NFC-normalises a string property of a DTO. */
export const CleanText = () => Transform(({ value }) => cleanText(value));

/** NFC-normalises, trims and lower-cases an e-mail address, so every spelling of it finds one account. */
export const CleanEmail = () => Transform(({ value }) => cleanEmail(value));

/** Names and titles: no control or format character (zero-width, bidi override…) that hides or disguises text. */
export const NoInvisibleCharacters = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'noInvisibleCharacters',
      validator: {
        validate: (value) => typeof value !== 'string' || invisibleCharacter(value) === null,
        defaultMessage: (args) => `${args?.property} must not contain invisible or control characters (found ${invisibleCharacter(String(args?.value))})`,
      },
    },
    options,
  );

/** Codes (units, fields, prize levels, entry references): ASCII letters, digits, ".", "_" and "-". */
export const SafeCode = (options?: ValidationOptions) =>
  Matches(SAFE_CODE, { message: '$property may hold only ASCII letters, digits, ".", "_" and "-"', context: { code: 'CODE_CHARACTERS' }, ...options });

/** A real calendar date written YYYY-MM-DD: `2008-02-30` and `31/12/2008` are both refused as NOT_A_DATE (400). */
export const IsCalendarDate = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value) => isIsoDate(value),
        defaultMessage: (args) => `${args?.property} must be a real date written YYYY-MM-DD`,
      },
    },
    { context: { code: 'NOT_A_DATE' }, ...options },
  );
