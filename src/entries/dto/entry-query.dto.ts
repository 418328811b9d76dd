import { ApiPropertyOptional, IntersectionType, PickType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageQuery } from '../../core/http/paging';
import { CleanText, SafeCode } from '../../core/validation';
import type { EntryStatus } from '../entry.entity';
import { ENTRY_STATUSES } from './entry.dto';

/** Filters shared by the entry list and its exports; every one narrows what the caller's scope already allows. */
export class EntryFilterQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() editionId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Entries of schools at or under this unit' }) @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional({ example: 'MT', maxLength: 20 }) @IsOptional() @CleanText() @IsString() @Length(1, 20) @SafeCode() fieldCode?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Entries that reached this stage' }) @IsOptional() @IsUUID() stageId?: string;
  @ApiPropertyOptional({ enum: ENTRY_STATUSES }) @IsOptional() @IsIn(ENTRY_STATUSES) status?: EntryStatus;

  @ApiPropertyOptional({ example: 'sang tao', maxLength: 200, description: 'Words of the title, reference or authors; case and Vietnamese diacritics are ignored' })
  @IsOptional()
  @CleanText()
  @IsString()
  @Length(1, 200)
  q?: string;
}

/** One page of the list: the first, or the one a previous page's `nextCursor` points at; its size as every list's. */
export class EntryPageQuery extends PickType(PageQuery, ['pageSize'] as const) {
  @ApiPropertyOptional({ description: "The previous page's `nextCursor`; leave out for the first page", maxLength: 1000 })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  cursor?: string;
}

export class EntryListQuery extends IntersectionType(EntryFilterQuery, EntryPageQuery) {}
