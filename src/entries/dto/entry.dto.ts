import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  isEmail,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  isUUID,
  Length,
  length,
  Matches,
  Max,
  MaxLength,
  maxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { isIsoDate } from '../../core/dates';
import { assign, BROKEN, objectOf, optional, text } from '../../core/quick-accept';
import { cleanEmail, cleanText, invisibleCharacter, SAFE_CODE } from '../../core/text';
import { CleanEmail, CleanText, IsCalendarDate, NoInvisibleCharacters, SafeCode } from '../../core/validation';
import type { EntryStatus } from '../entry.entity';
import { PHONE_PATTERN } from '../entry-draft';

/** A generous ceiling against abuse; the edition's own maximum is a contest rule checked later (422). */
const AUTHORS_CEILING = 50;

export class AuthorDto {
  @ApiProperty({ example: 'Nguyễn Thị Hồng Nhung' }) @CleanText() @IsString() @Length(1, 200) @NoInvisibleCharacters() fullName: string;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, example: '2008-03-05', description: 'YYYY-MM-DD; required in the youth contest' })
  @IsOptional()
  @IsString()
  @IsCalendarDate()
  birthDate?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Lớp 8A', description: 'Class for pupils, job title for workers' })
  @IsOptional()
  @CleanText()
  @IsString()
  @MaxLength(100)
  @NoInvisibleCharacters()
  classOrJob?: string | null;
}

export class ContactDto {
  @ApiProperty({ example: 'Trần Văn Minh' }) @CleanText() @IsString() @Length(1, 200) @NoInvisibleCharacters() name: string;
  @ApiProperty({ example: 'gv.minh@thcs-kesach.edu.vn' }) @CleanEmail() @IsEmail() @MaxLength(200) email: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '0299 3 861 234' })
  @IsOptional()
  @CleanText()
  @IsString()
  @Matches(PHONE_PATTERN, { message: 'phone must hold 6 to 20 digits, spaces, dots, dashes or brackets', context: { code: 'NOT_A_PHONE' } })
  phone?: string | null;
}

const AUTHOR_KEYS = new Set(['fullName', 'birthDate', 'classOrJob']);
const CONTACT_KEYS = new Set(['name', 'email', 'phone']);
const REGISTER_KEYS = new Set(['unitId', 'title', 'fieldCode', 'summary', 'reference', 'contact', 'createdYear', 'authors']);

function quickAuthor(body: unknown): AuthorDto | null {
  const author = objectOf(body, AUTHOR_KEYS);
  if (!author) return null;
  return assign(new AuthorDto(), author, {
    fullName: text(author.fullName, 1, 200, true),
    birthDate: optional(author.birthDate, (v) => (isIsoDate(v) ? v : BROKEN)),
    classOrJob: optional(author.classOrJob, (v) => {
      const cleaned = cleanText(v);
      return typeof cleaned === 'string' && maxLength(cleaned, 100) && invisibleCharacter(cleaned) === null ? cleaned : BROKEN;
    }),
  });
}

function quickContact(body: unknown): ContactDto | null {
  const contact = objectOf(body, CONTACT_KEYS);
  if (!contact) return null;
  const email = cleanEmail(contact.email);
  return assign(new ContactDto(), contact, {
    name: text(contact.name, 1, 200, true),
    email: isEmail(email) && maxLength(email, 200) ? email : BROKEN,
    phone: optional(contact.phone, (v) => {
      const cleaned = cleanText(v);
      return typeof cleaned === 'string' && PHONE_PATTERN.test(cleaned) ? cleaned : BROKEN;
    }),
  });
}

/**
 * A registration form as the validation pipe would build it (class-transformer, then class-validator), built
 * straight from the body when it breaks no constraint declared below: the busiest form of a season, and checking it
 * through those libraries was a sixth of its CPU. Null for anything else (a problem, a key it does not know, an
 * unusual value), which the pipe then checks in full, naming every problem as always. Every check here is the
 * decorator's own function; the spec holds the two ways to the same answers.
 */
function quickRegistration(body: unknown): RegisterEntryDto | null {
  const form = objectOf(body, REGISTER_KEYS);
  if (!form) return null;
  const { authors } = form;
  if (!Array.isArray(authors) || authors.length < 1 || authors.length > AUTHORS_CEILING) return null;
  const authorDtos: AuthorDto[] = [];
  for (const author of authors) {
    const dto = quickAuthor(author);
    if (!dto) return null;
    authorDtos.push(dto);
  }
  const code = (max: number) => (value: unknown) => {
    const cleaned = text(value, 1, max, false);
    return cleaned !== BROKEN && SAFE_CODE.test(cleaned) ? cleaned : BROKEN;
  };
  const contact = quickContact(form.contact);
  return assign(new RegisterEntryDto(), form, {
    unitId: optional(form.unitId, (v) => (isUUID(v) ? v : BROKEN)),
    title: text(form.title, 1, 500, true),
    fieldCode: code(20)(form.fieldCode),
    summary: text(form.summary, 1, 5000, true),
    reference: optional(form.reference, code(50)),
    contact: contact ?? BROKEN,
    createdYear: optional(form.createdYear, (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 1900 && v <= 2100 ? v : BROKEN)),
    authors: authorDtos,
  });
}

export class RegisterEntryDto {
  /** See quickRegistration: the validation pipe's way round class-validator for a form that breaks nothing. */
  static quickAccept(body: unknown): RegisterEntryDto | null {
    return quickRegistration(body);
  }

  @ApiPropertyOptional({ format: 'uuid', description: 'The school registering; required for organisers registering on behalf of a school in their scope' })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiProperty({ example: 'Máy tưới cây tự động dùng năng lượng mặt trời' }) @CleanText() @IsString() @Length(1, 500) @NoInvisibleCharacters() title: string;
  @ApiProperty({ example: 'MT', description: 'Code of one of the edition fields' }) @CleanText() @IsString() @Length(1, 20) @SafeCode() fieldCode: string;
  @ApiProperty({ example: 'Mô hình tưới nhỏ giọt điều khiển bằng cảm biến độ ẩm.' }) @CleanText() @IsString() @Length(1, 5000) @NoInvisibleCharacters() summary: string;

  @ApiPropertyOptional({ example: 'KS01-007', description: "The school's own reference, unique per school and edition; generated when absent" })
  @IsOptional()
  @CleanText()
  @IsString()
  @Length(1, 50)
  @SafeCode()
  reference?: string;

  @ApiProperty({ type: ContactDto }) @IsObject() @ValidateNested() @Type(() => ContactDto) contact: ContactDto;

  @ApiPropertyOptional({ type: 'integer', nullable: true, example: 2016, description: 'Technical contest: the year the solution was created' })
  @IsOptional()
  @IsInt()
  @Min(1900)
  @Max(2100)
  createdYear?: number | null;

  @ApiProperty({ type: [AuthorDto], description: "1 to the edition's maximum number of authors" })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(AUTHORS_CEILING)
  @ValidateNested({ each: true })
  @Type(() => AuthorDto)
  authors: AuthorDto[];
}

export class EditEntryDto {
  @ApiProperty({ example: 1, description: 'The version you read; a stale one is refused with 409 STALE_VERSION' }) @IsInt() @Min(1) version: number;
  @ApiPropertyOptional() @IsOptional() @CleanText() @IsString() @Length(1, 500) @NoInvisibleCharacters() title?: string;
  @ApiPropertyOptional() @IsOptional() @CleanText() @IsString() @Length(1, 20) @SafeCode() fieldCode?: string;
  @ApiPropertyOptional() @IsOptional() @CleanText() @IsString() @Length(1, 5000) @NoInvisibleCharacters() summary?: string;
  @ApiPropertyOptional() @IsOptional() @CleanText() @IsString() @Length(1, 50) @SafeCode() reference?: string;
  @ApiPropertyOptional({ type: ContactDto }) @IsOptional() @ValidateNested() @Type(() => ContactDto) contact?: ContactDto;
  @ApiPropertyOptional({ type: 'integer', nullable: true }) @IsOptional() @IsInt() @Min(1900) @Max(2100) createdYear?: number | null;

  @ApiPropertyOptional({ type: [AuthorDto], description: 'Replaces all authors' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(AUTHORS_CEILING)
  @ValidateNested({ each: true })
  @Type(() => AuthorDto)
  authors?: AuthorDto[];
}

export const ENTRY_STATUSES: EntryStatus[] = ['registered', 'withdrawn'];

export class AuthorView {
  @ApiProperty() position: number;
  @ApiProperty() fullName: string;
  @ApiProperty({ type: String, format: 'date', nullable: true, example: '2008-03-05' }) birthDate: string | null;
  @ApiProperty({ type: String, nullable: true }) classOrJob: string | null;
}

export class UnitRefView {
  @ApiProperty() id: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
}

export class FieldRefView {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
}

export class StageRefView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() position: number;
  @ApiProperty({ description: 'The unit that runs this stage for the entry' }) unitId: string;
}

export class ContactView {
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty({ type: String, nullable: true }) phone: string | null;
}

export class DossierFileView {
  @ApiProperty() id: string;
  @ApiProperty() originalName: string;
  @ApiProperty({ example: 'application/pdf' }) mediaType: string;
  @ApiProperty() sizeBytes: number;
  @ApiProperty({ description: 'SHA-256 of the content, hex' }) sha256: string;
  @ApiProperty() createdAt: Date;
}

export class EntryView {
  @ApiProperty() id: string;
  @ApiProperty() editionId: string;
  @ApiProperty({ type: UnitRefView }) unit: UnitRefView;
  @ApiProperty() reference: string;
  @ApiProperty() title: string;
  @ApiProperty() summary: string;
  @ApiProperty({ type: FieldRefView }) field: FieldRefView;
  @ApiProperty({ type: ContactView }) contact: ContactView;
  @ApiProperty({ type: 'integer', nullable: true }) createdYear: number | null;
  @ApiProperty({ enum: ENTRY_STATUSES }) status: EntryStatus;
  @ApiProperty({ description: 'Send it back when editing' }) version: number;
  @ApiProperty({ type: [AuthorView] }) authors: AuthorView[];
  @ApiProperty({ type: StageRefView, nullable: true, description: 'The highest stage the entry has reached' }) currentStage: StageRefView | null;
  @ApiProperty({ type: [DossierFileView] }) dossierFiles: DossierFileView[];
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class EntrySummaryView {
  @ApiProperty() id: string;
  @ApiProperty() editionId: string;
  @ApiProperty({ type: UnitRefView }) unit: UnitRefView;
  @ApiProperty() reference: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: FieldRefView }) field: FieldRefView;
  @ApiProperty({ enum: ENTRY_STATUSES }) status: EntryStatus;
  @ApiProperty() version: number;
  @ApiProperty({ type: [AuthorView] }) authors: AuthorView[];
  @ApiProperty({ type: StageRefView, nullable: true }) currentStage: StageRefView | null;
  /** Read as text: a list does not parse a Date only to write it out again. */
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
}

/** A page of the entry list: follow `nextCursor` for the next one. */
export class EntryPage {
  @ApiProperty({ type: [EntrySummaryView] }) items: EntrySummaryView[];
  @ApiProperty() pageSize: number;
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' }) nextCursor: string | null;
  @ApiProperty({
    description:
      'Entries the filter matches: exact when `totalExact`, otherwise at least this many (counting stops at 10,000). Counted once per filter for 30 s: an entry written through another API process may take that long to count',
  })
  total: number;
  @ApiProperty() totalExact: boolean;
}
