import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageDto, PageQuery } from '../../core/http/paging';
import { CleanText, NoInvisibleCharacters, SafeCode } from '../../core/validation';
import { UNIT_CODE_MAX, UNIT_NAME_MAX } from '../unit-rules';

export class LevelView {
  @ApiProperty({ example: 'district' }) code: string;
  @ApiProperty({ example: 'Huyện' }) name: string;
  @ApiProperty({ description: '0 for the nation; deeper levels have larger ranks', example: 2 }) rank: number;
  @ApiProperty({ description: 'Leaf levels (school, organisation) hold no units and register entries' }) isLeaf: boolean;
}

export class CreateLevelDto {
  @ApiProperty({ example: 'commune', pattern: '^[A-Za-z0-9_-]+$' })
  @IsString()
  @Length(1, 32)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'code may hold only letters, digits, "_" and "-"', context: { code: 'CODE_CHARACTERS' } })
  code: string;

  @ApiProperty({ example: 'Xã' }) @CleanText() @IsString() @Length(1, 100) @NoInvisibleCharacters() name: string;
  @ApiProperty({ minimum: 0, maximum: 100, example: 3 }) @IsInt() @Min(0) @Max(100) rank: number;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() isLeaf?: boolean;
}

export class UnitRef {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'ST' }) code: string;
  @ApiProperty({ example: 'Sóc Trăng' }) name: string;
  @ApiProperty({ example: 'province' }) levelCode: string;
}

export class UnitView extends UnitRef {
  @ApiProperty({ example: 'Tỉnh' }) levelName: string;
  @ApiProperty({ example: 1 }) levelRank: number;
  @ApiProperty() isLeaf: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) parentId: string | null;
  @ApiProperty({ description: 'Distance from the root (0 for a root)' }) depth: number;
  @ApiProperty({ nullable: true, type: Date, description: 'Set when the unit was retired' }) retiredAt: Date | null;
}

export class UnitDetail extends UnitView {
  @ApiProperty({ type: [UnitRef], description: 'Ancestors, root first' }) ancestors: UnitRef[];
  @ApiProperty({ description: 'Active units directly under this one' }) childCount: number;
}

export class UnitPage extends PageDto(UnitView) {}

/** Query strings carry text: only "true" and "false" are booleans. */
const QueryBoolean = () => Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));

export class UnitFilterQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Level code', example: 'school', maxLength: 32 }) @IsOptional() @IsString() @MaxLength(32) @SafeCode() level?: string;

  @ApiPropertyOptional({ description: 'Part of the code or name; case and Vietnamese diacritics are ignored', example: 'ke sach', maxLength: 100 })
  @IsOptional()
  @CleanText()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ default: false, description: 'Include retired units' }) @IsOptional() @QueryBoolean() @IsBoolean() includeRetired?: boolean;
}

/** The filter of a units export: every unit that passes it, no pages. */
export class UnitExportQuery extends OmitType(UnitFilterQuery, ['page', 'pageSize'] as const) {}

export class UnitListQuery extends UnitFilterQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the units directly under this one' }) @IsOptional() @IsUUID() parentId?: string;
}

export class CreateUnitDto {
  @ApiProperty({ example: 'ST-KS-03', maxLength: UNIT_CODE_MAX }) @CleanText() @IsString() @Length(1, UNIT_CODE_MAX) @SafeCode() code: string;
  @ApiProperty({ example: 'Trường THCS Thới An Hội', maxLength: UNIT_NAME_MAX }) @CleanText() @IsString() @Length(1, UNIT_NAME_MAX) @NoInvisibleCharacters() name: string;
  @ApiProperty({ example: 'school' }) @IsString() @Length(1, 32) @SafeCode() levelCode: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Omit only for a root (a rank-0 level)' }) @IsOptional() @IsUUID() parentId?: string;
}

export class UpdateUnitDto {
  @ApiPropertyOptional({ maxLength: UNIT_NAME_MAX }) @IsOptional() @CleanText() @IsString() @Length(1, UNIT_NAME_MAX) @NoInvisibleCharacters() name?: string;
  @ApiPropertyOptional({ maxLength: UNIT_CODE_MAX }) @IsOptional() @CleanText() @IsString() @Length(1, UNIT_CODE_MAX) @SafeCode() code?: string;
}

export class MoveUnitDto {
  @ApiProperty({ format: 'uuid', description: 'The new parent unit' }) @IsUUID() parentId: string;
}

export class ImportedUnitView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'ST-TT-01' }) code: string;
  @ApiProperty({ enum: ['created', 'updated', 'unchanged'] }) outcome: 'created' | 'updated' | 'unchanged';
}

export class ImportResultView {
  @ApiProperty({ description: 'Units created' }) created: number;
  @ApiProperty({ description: 'Known units renamed or moved' }) updated: number;
  @ApiProperty({ description: 'Rows that matched the tree already' }) unchanged: number;
  @ApiProperty({ description: 'Rows in the file' }) total: number;
  @ApiProperty({ type: [ImportedUnitView], description: "Every row's unit with its id (new ones included), in the order of the file, so a client needs no second listing" })
  units: ImportedUnitView[];
}
