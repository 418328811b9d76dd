import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageQuery } from '../../core/http/paging';
import { CleanText, SafeCode } from '../../core/validation';
import type { EntryStatus } from '../entry.entity';
import { ENTRY_STATUSES } from './entry.dto';

/** Filters shared by the entry list and its exports; every one narrows what the caller's scope already allows. */
export class EntryFilterQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() editionId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Entries of schools at or under this unit' }) @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional({ example: 'MT' }) @IsOptional() @CleanText() @IsString() @Length(1, 20) @SafeCode() fieldCode?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Entries that reached this stage' }) @IsOptional() @IsUUID() stageId?: string;
  @ApiPropertyOptional({ enum: ENTRY_STATUSES }) @IsOptional() @IsIn(ENTRY_STATUSES) status?: EntryStatus;

  @ApiPropertyOptional({ example: 'sang tao', description: 'Words of the title, reference or authors; case and Vietnamese diacritics are ignored' })
  @IsOptional()
  @CleanText()
  @IsString()
  @Length(1, 200)
  q?: string;
}

export class EntryListQuery extends IntersectionType(EntryFilterQuery, PageQuery) {}
