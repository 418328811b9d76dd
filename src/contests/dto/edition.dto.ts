import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsNumber, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import type { FieldProblem } from '../../core/errors/domain-error';
import { FieldProblemResponse } from '../../core/http/api-errors';
import { PageQuery } from '../../core/http/paging';
import { CleanText, IsCalendarDate, NoInvisibleCharacters, SafeCode } from '../../core/validation';
import { EDITION_STATES, EditionState } from '../edition-lifecycle';
import { REJUDGE_MODES } from '../edition.types';
import type { AdvancementRule, Aggregation, ContestKind, QuotaKind, RejudgeMode, TiePolicy } from '../edition.types';
import { CONTEST_KINDS } from './contest.dto';

/*
 * These classes check shapes only: types, required properties, storage limits. What the values mean
 * together (stages climbing the tree, quotas ≥ 0, windows in order…) is checked by `editionProblems`,
 * so a shape error answers 400 VALIDATION_FAILED and a meaningless definition 422 RULE_VIOLATION.
 */

const CODE = /^[A-Za-z0-9_-]{1,20}$/;
const CODE_MESSAGE = '$property must be 1 to 20 letters, digits, "-" or "_"';
const DATE_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE_TIME_MESSAGE = '$property must be an ISO 8601 date-time with its time zone, e.g. 2017-03-01T00:00:00+07:00';
/** Points and spreads are stored as numeric(6,2). */
const POINTS = { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 };
const POINTS_CEILING = 9999.99;
const NUMBER = { allowNaN: false, allowInfinity: false };
const INT4_MAX = 2_147_483_647;

export const AGGREGATIONS: Aggregation[] = ['mean', 'trimmed_mean'];
export const ADVANCEMENT_KINDS: AdvancementRule['kind'][] = ['pick', 'top_n', 'threshold', 'top_percent'];
export const QUOTA_KINDS: QuotaKind[] = ['count', 'share'];
export const TIE_POLICIES: TiePolicy[] = ['all_get_level', 'group_drops'];
export const PRIZE_SCOPES = ['stage', 'field'] as const;

const DateTime = () => applyDecorators(IsISO8601({ strict: true }), Matches(DATE_TIME_WITH_ZONE, { message: DATE_TIME_MESSAGE, context: { code: 'NOT_A_DATE_TIME' } }));

export class FieldDto {
  @ApiProperty({ example: 'HT', pattern: CODE.source, description: 'Short code schools use in bulk files; unique in the edition, ignoring case' })
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE, context: { code: 'CODE_CHARACTERS' } })
  code: string;

  @ApiProperty({ example: 'Đồ dùng dành cho học tập' }) @CleanText() @IsString() @Length(1, 300) @NoInvisibleCharacters() name: string;
}

export class RubricCriterionDto {
  @ApiProperty({ example: 'novelty', pattern: CODE.source, description: 'Unique in the rubric, ignoring case; tie-breaks name criteria by it' })
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE, context: { code: 'CODE_CHARACTERS' } })
  code: string;

  @ApiProperty({ example: 'Tính mới, sáng tạo' }) @CleanText() @IsString() @Length(1, 300) @NoInvisibleCharacters() name: string;

  @ApiProperty({ example: 30, description: 'More than 0, at most 1000, two decimals at most; judges score 0 to this' })
  @IsNumber(POINTS)
  maxPoints: number;
}

export class YouthEligibilityDto {
  @ApiProperty({ enum: ['youth'] }) @IsIn(CONTEST_KINDS) kind: 'youth';

  @ApiProperty({ example: '2001-07-31', description: 'Authors must be born on or after this date (YYYY-MM-DD)' })
  @IsString()
  @IsCalendarDate()
  bornFrom: string;

  @ApiProperty({ example: '2014-07-31', description: 'Authors must be born on or before this date (YYYY-MM-DD), not before bornFrom' })
  @IsString()
  @IsCalendarDate()
  bornTo: string;
}

export class TechnicalEligibilityDto {
  @ApiProperty({ enum: ['technical'] }) @IsIn(CONTEST_KINDS) kind: 'technical';

  @ApiProperty({ example: 2019, description: 'Solutions must have been created (and applied) in this year or later; at most the year registration closes' })
  @IsInt()
  createdFromYear: number;
}

/** Used when `kind` is neither: only `kind` is then reported, with the accepted values. */
class UnknownEligibilityDto {
  @IsIn(CONTEST_KINDS) kind: string;
}

class AdvancementBaseDto {
  @ApiPropertyOptional({ example: 2, description: 'At most this many entries per field go up from each unit (a whole number ≥ 1); leave out for no cap' })
  @IsOptional()
  @IsNumber(NUMBER)
  perFieldCap?: number;
}

export class PickAdvancementDto extends AdvancementBaseDto {
  @ApiProperty({ enum: ['pick'], description: 'The organiser picks the entries that go up' }) @IsIn(ADVANCEMENT_KINDS) kind: 'pick';
}

export class TopNAdvancementDto extends AdvancementBaseDto {
  @ApiProperty({ enum: ['top_n'], description: 'The N best-scored entries of each unit go up' }) @IsIn(ADVANCEMENT_KINDS) kind: 'top_n';
  @ApiProperty({ example: 12, description: 'Entries per unit, a whole number ≥ 1' }) @IsNumber(NUMBER) count: number;
}

export class ThresholdAdvancementDto extends AdvancementBaseDto {
  @ApiProperty({ enum: ['threshold'], description: 'Entries scoring at least minScore go up' }) @IsIn(ADVANCEMENT_KINDS) kind: 'threshold';
  @ApiProperty({ example: 70, description: 'Between 0 and the rubric total' }) @IsNumber(NUMBER) minScore: number;
}

export class TopPercentAdvancementDto extends AdvancementBaseDto {
  @ApiProperty({ enum: ['top_percent'], description: "The best percent of each unit's entries go up" }) @IsIn(ADVANCEMENT_KINDS) kind: 'top_percent';
  @ApiProperty({ example: 20, description: 'More than 0, at most 100' }) @IsNumber(NUMBER) percent: number;
}

class UnknownAdvancementDto {
  @IsIn(ADVANCEMENT_KINDS) kind: string;
}

export class PrizeLevelDto {
  @ApiProperty({ example: 'first', pattern: CODE.source, description: 'Unique in the scheme, ignoring case' })
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE, context: { code: 'CODE_CHARACTERS' } })
  code: string;

  @ApiProperty({ example: 'Giải Nhất' }) @CleanText() @IsString() @Length(1, 200) @NoInvisibleCharacters() name: string;
  @ApiProperty({ enum: QUOTA_KINDS, description: 'count: a number of prizes; share: a fraction of the entries in the stage (or field)' }) @IsIn(QUOTA_KINDS) quotaKind: QuotaKind;

  @ApiProperty({ example: 1, description: 'count: a whole number ≥ 0 (0 leaves the level empty); share: 0 to 1. A maximum: the level may stay partly empty' })
  @IsNumber(NUMBER)
  quota: number;

  @ApiProperty({ example: 80, description: 'Minimum score for this level, between 0 and the rubric total' }) @IsNumber(NUMBER) minScore: number;
  @ApiProperty({ enum: PRIZE_SCOPES, description: 'stage: the quota counts over the whole stage; field: the quota applies in each field' }) @IsIn(PRIZE_SCOPES) scope: 'stage' | 'field';
  @ApiProperty({ example: 3_000_000, description: 'Prize money per award in VND, a whole number ≥ 0' }) @IsNumber(NUMBER) prizeMoney: number;
}

export class PrizeSchemeDto {
  @ApiProperty({ type: [PrizeLevelDto], description: 'Levels in order, highest first; they fill in this order' })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => PrizeLevelDto)
  levels: PrizeLevelDto[];

  @ApiProperty({ enum: TIE_POLICIES, description: 'A tie group straddling a quota boundary: all_get_level exceeds the quota, group_drops moves the whole group down' })
  @IsIn(TIE_POLICIES)
  tiePolicy: TiePolicy;

  @ApiProperty({ description: "Whether a level's unused quota is added to the next level" }) @IsBoolean() passUnusedQuotaDown: boolean;
}

export const ADVANCEMENT_REFS = {
  oneOf: [PickAdvancementDto, TopNAdvancementDto, ThresholdAdvancementDto, TopPercentAdvancementDto].map((model) => ({ $ref: getSchemaPath(model) })),
  discriminator: {
    propertyName: 'kind',
    mapping: {
      pick: getSchemaPath(PickAdvancementDto),
      top_n: getSchemaPath(TopNAdvancementDto),
      threshold: getSchemaPath(ThresholdAdvancementDto),
      top_percent: getSchemaPath(TopPercentAdvancementDto),
    },
  },
};

@ApiExtraModels(PickAdvancementDto, TopNAdvancementDto, ThresholdAdvancementDto, TopPercentAdvancementDto)
export class StageDto {
  @ApiProperty({ example: 'Cấp huyện' }) @CleanText() @IsString() @Length(1, 200) @NoInvisibleCharacters() name: string;
  @ApiProperty({ example: 'district', description: 'A unit level code; each stage must run at a higher level than the one before' }) @IsString() @Length(1, 32) @SafeCode() levelCode: string;
  @ApiProperty({ description: 'Unjudged stages (school screening) advance by pick and award no prizes' }) @IsBoolean() judged: boolean;

  @ApiPropertyOptional({ example: 3, default: 0, description: 'Judges per entry: 0 when not judged, at least 1 when judged, at least 5 for a trimmed mean' })
  @IsOptional()
  @IsInt()
  judgesPerEntry?: number;

  @ApiPropertyOptional({ enum: AGGREGATIONS, default: 'mean', description: 'trimmed_mean drops the highest and lowest totals when 5 or more judges scored' })
  @IsOptional()
  @IsIn(AGGREGATIONS)
  aggregation?: Aggregation;

  @ApiPropertyOptional({
    type: Number,
    example: 20,
    nullable: true,
    description: 'Judged stages: totals further apart than this flag the entry for the chair; 0 to the rubric total; empty for no check',
  })
  @IsOptional()
  @IsNumber(POINTS)
  @Max(POINTS_CEILING)
  discrepancySpread?: number | null;

  @ApiPropertyOptional({ default: false, description: 'Judged stages: judges see a blind number instead of authors, school and district, and no dossier file names' })
  @IsOptional()
  @IsBoolean()
  blind?: boolean;

  @ApiPropertyOptional({ default: false, description: "Judged stages: each judge's totals are standardised across the panel (z-score) before aggregation; views show raw and normalised scores" })
  @IsOptional()
  @IsBoolean()
  normaliseBias?: boolean;

  @ApiPropertyOptional({
    enum: REJUDGE_MODES,
    default: 'join',
    description: 'Judged stages: whether the scores of a cusp re-judging (fresh judges for entries close to a cut) replace the entry’s earlier scores or join them; both stay on record',
  })
  @IsOptional()
  @IsIn(REJUDGE_MODES)
  rejudgeMode?: RejudgeMode;

  @ApiPropertyOptional({ type: [String], example: ['novelty', 'applicability'], description: 'Rubric criterion codes breaking ties, in order' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @MaxLength(20, { each: true })
  @SafeCode({ each: true })
  tieBreak?: string[];

  @ApiPropertyOptional({ ...ADVANCEMENT_REFS, nullable: true, description: 'How entries go up to the next stage; only the last stage may have none' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => UnknownAdvancementDto, {
    keepDiscriminatorProperty: true,
    discriminator: {
      property: 'kind',
      subTypes: [
        { value: PickAdvancementDto, name: 'pick' },
        { value: TopNAdvancementDto, name: 'top_n' },
        { value: ThresholdAdvancementDto, name: 'threshold' },
        { value: TopPercentAdvancementDto, name: 'top_percent' },
      ],
    },
  })
  advancement?: PickAdvancementDto | TopNAdvancementDto | ThresholdAdvancementDto | TopPercentAdvancementDto | null;

  @ApiPropertyOptional({ type: PrizeSchemeDto, nullable: true, description: 'Judged stages only' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PrizeSchemeDto)
  prizeScheme?: PrizeSchemeDto | null;
}

const ELIGIBILITY_REFS = {
  oneOf: [{ $ref: getSchemaPath(YouthEligibilityDto) }, { $ref: getSchemaPath(TechnicalEligibilityDto) }],
  discriminator: { propertyName: 'kind', mapping: { youth: getSchemaPath(YouthEligibilityDto), technical: getSchemaPath(TechnicalEligibilityDto) } },
};

/** The whole definition of an edition, as created and as replaced by PUT. */
@ApiExtraModels(YouthEligibilityDto, TechnicalEligibilityDto)
export class EditionDefinitionDto {
  @ApiProperty({ example: 6, description: 'The edition number ("lần thứ VI"), 1 to 9999, unique within the contest' }) @IsInt() @Max(INT4_MAX) number: number;
  @ApiProperty({ example: '2017', description: 'The season as people say it: "2017", "2021-2022"' }) @CleanText() @IsString() @Length(1, 50) @NoInvisibleCharacters() seasonLabel: string;
  @ApiProperty({ example: '2017-03-01T00:00:00+07:00', description: 'ISO 8601 date-time with time zone' }) @DateTime() registrationOpensAt: string;
  @ApiProperty({ example: '2017-07-31T17:00:00+07:00', description: 'ISO 8601 date-time with time zone, after registrationOpensAt' }) @DateTime() registrationClosesAt: string;

  @ApiProperty({ ...ELIGIBILITY_REFS, description: 'Must match the contest kind' })
  @IsObject()
  @ValidateNested()
  @Type(() => UnknownEligibilityDto, {
    keepDiscriminatorProperty: true,
    discriminator: {
      property: 'kind',
      subTypes: [
        { value: YouthEligibilityDto, name: 'youth' },
        { value: TechnicalEligibilityDto, name: 'technical' },
      ],
    },
  })
  eligibility: YouthEligibilityDto | TechnicalEligibilityDto;

  @ApiProperty({ example: 5, description: 'Maximum authors per entry, 1 to 100' }) @IsInt() maxAuthors: number;
  @ApiPropertyOptional({ type: 'integer', example: 3000, nullable: true, description: 'Planned number of entries (kế hoạch), for achievement reports' }) @IsOptional() @IsInt() plannedEntries?:
    number | null;

  @ApiProperty({ type: [FieldDto], description: 'At least one; order is display order' })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => FieldDto)
  fields: FieldDto[];

  @ApiProperty({ type: [RubricCriterionDto], description: 'Ordered criteria, at least one' })
  @IsArray()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => RubricCriterionDto)
  rubric: RubricCriterionDto[];

  @ApiProperty({ type: [StageDto], description: 'Ordered from the first (lowest) stage up, e.g. school → district → province → nation' })
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => StageDto)
  stages: StageDto[];
}

export class CreateEditionDto extends EditionDefinitionDto {
  @ApiPropertyOptional({ format: 'uuid', description: "The unit running the edition: the contest's unit (default) or a unit under it" })
  @IsOptional()
  @IsUUID()
  unitId?: string;
}

export class UpdateEditionDto extends EditionDefinitionDto {
  @ApiProperty({ example: 1, description: 'The version you read; a newer version on the server answers 409 STALE_VERSION' })
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  version: number;
}

export class EditionListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() contestId?: string;

  @ApiPropertyOptional({ description: 'true: only editions whose registration window is open now (for a school: the editions it can register in)' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  openForRegistration?: boolean;

  @ApiPropertyOptional({ description: 'true: include archived editions (left out by default)' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeArchived?: boolean;
}

export class ChangeEditionStateDto {
  @ApiProperty({ enum: EDITION_STATES, description: 'The next state: draft → registration → judging → results → closed; a registration without entries may go back to draft' })
  @IsIn(EDITION_STATES)
  state: EditionState;
}

export class ArchiveEditionDto {
  @ApiProperty({ example: 'Created twice by mistake; the real edition is number 7', description: 'Why the edition is archived, kept in the audit trail' })
  @CleanText()
  @IsString()
  @Length(3, 500)
  reason: string;
}

export class FieldView extends FieldDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 1 }) position: number;
}

export class RubricCriterionView extends RubricCriterionDto {
  @ApiProperty({ example: 1 }) position: number;
}

@ApiExtraModels(PickAdvancementDto, TopNAdvancementDto, ThresholdAdvancementDto, TopPercentAdvancementDto)
export class StageView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 2, description: '1 for the first (lowest) stage' }) position: number;
  @ApiProperty({ example: 'Cấp huyện' }) name: string;
  @ApiProperty({ example: 'district' }) levelCode: string;
  @ApiProperty() judged: boolean;
  @ApiProperty({ example: 3 }) judgesPerEntry: number;
  @ApiProperty({ enum: AGGREGATIONS }) aggregation: Aggregation;
  @ApiProperty({ type: Number, example: 20, nullable: true }) discrepancySpread: number | null;
  @ApiProperty({ type: [String], example: ['novelty'] }) tieBreak: string[];
  @ApiProperty() blind: boolean;
  @ApiProperty() normaliseBias: boolean;
  @ApiProperty({ enum: REJUDGE_MODES }) rejudgeMode: RejudgeMode;
  @ApiProperty({ ...ADVANCEMENT_REFS, nullable: true }) advancement: AdvancementRule | null;
  @ApiProperty({ type: PrizeSchemeDto, nullable: true }) prizeScheme: PrizeSchemeDto | null;
}

export class EditionSummaryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) contestId: string;
  @ApiProperty({ example: 'Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng' }) contestName: string;
  @ApiProperty({ enum: CONTEST_KINDS }) kind: ContestKind;
  @ApiProperty({ example: 6 }) number: number;
  @ApiProperty({ example: '2017' }) seasonLabel: string;
  @ApiProperty({ format: 'uuid' }) unitId: string;
  @ApiProperty({ example: 'ST' }) unitCode: string;
  @ApiProperty({ example: 'Sóc Trăng' }) unitName: string;
  @ApiProperty() registrationOpensAt: Date;
  @ApiProperty() registrationClosesAt: Date;
  @ApiProperty({ description: 'Whether the registration window is open now' }) openForRegistration: boolean;
  @ApiProperty({ example: 1, description: 'Send it back with PUT' }) version: number;
  @ApiProperty({ enum: EDITION_STATES, description: 'draft → registration → judging → results → closed: what the definition still allows to change depends on it' }) state: EditionState;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When the edition was archived; null while it is not' }) archivedAt: Date | null;
}

@ApiExtraModels(YouthEligibilityDto, TechnicalEligibilityDto)
export class EditionView extends EditionSummaryView {
  @ApiProperty(ELIGIBILITY_REFS) eligibility: YouthEligibilityDto | TechnicalEligibilityDto;
  @ApiProperty({ example: 5 }) maxAuthors: number;
  @ApiProperty({ type: 'integer', example: 3000, nullable: true }) plannedEntries: number | null;
  @ApiProperty({ type: [FieldView] }) fields: FieldView[];
  @ApiProperty({ type: [RubricCriterionView] }) rubric: RubricCriterionView[];
  @ApiProperty({ example: 100, description: 'Sum of the criteria maximum points' }) rubricTotal: number;
  @ApiProperty({ type: [StageView], description: 'In order, first (lowest) stage first' }) stages: StageView[];
  @ApiProperty({ nullable: true, type: String }) archiveReason: string | null;
  @ApiProperty({
    type: [FieldProblemResponse],
    description:
      'Settings that can run but look unintended, such as a prize level asking a lower minimum than the level below it (PRIZE_MINIMUM_ORDER): ' +
      'each names its field, with a catalogue code and parameters to translate by, and its reason in the language Accept-Language prefers',
  })
  warnings: FieldProblem[];
  @ApiProperty({
    type: [String],
    example: ['rubric[]', 'rubric[0].maxPoints', 'stages[1].judgesPerEntry'],
    description:
      'What the edition’s state (and confirmed scores) no longer lets PUT change, each named as a problem would name it; `rubric[]` means rows can no longer be added or removed, `stages[1]:remove` that this one row may not be removed (its level has confirmed scores), and a part that is empty (`stages[0].prizeScheme`) that it may not be set. Empty for a draft',
  })
  frozen: string[];
  @ApiProperty() updatedAt: Date;
}
