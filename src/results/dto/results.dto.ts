import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import { ADVANCEMENT_REFS, PickAdvancementDto, ThresholdAdvancementDto, TopNAdvancementDto, TopPercentAdvancementDto } from '../../contests/dto/edition.dto';
import type { AdvancementRule } from '../../contests/edition.types';
import { CleanText, NoInvisibleCharacters } from '../../core/validation';
import type { AdvancementOutcome } from '../advancement';
import type { PrizeListPhase } from '../results.entity';

/** Most entries a request may name: a national selection or a school's pick is far below. */
export const MAX_PICKS = 5000;

export class PublishProvisionalDto {
  @ApiProperty({ minimum: 0, maximum: 60, example: 15, description: 'Days during which objections are heard before the list can be made final' })
  @IsInt()
  @Min(0)
  @Max(60)
  objectionDays: number;
}

export class CorrectionDto {
  @ApiProperty({ example: 'Sửa điểm sản phẩm HT-07 sau phúc khảo', description: 'Why the list is corrected; shown beside the new version' })
  @CleanText()
  @IsString()
  @Length(3, 1000)
  @NoInvisibleCharacters()
  reason: string;
}

export class VersionQuery {
  @ApiPropertyOptional({ minimum: 1, description: 'A published version; the latest by default' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  version?: number;
}

export class AdvanceDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'The entries picked to go up; required when the stage advances by pick, otherwise within the rule' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_PICKS)
  @IsUUID('all', { each: true })
  entryIds?: string[];
}

/** Most units one bulk advancement may name: every school of a large province. */
export const MAX_UNITS_PER_ADVANCEMENT = 2000;

export class UnitPicksDto extends AdvanceDto {
  @ApiProperty({ format: 'uuid', description: 'A unit running the stage (a school for a school stage, a district for a district stage…)' })
  @IsUUID()
  unitId: string;
}

export class AdvanceManyDto {
  @ApiProperty({ type: [UnitPicksDto], description: 'Per unit, what `POST /stages/{stageId}/units/{unitId}/advancement` takes' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_UNITS_PER_ADVANCEMENT)
  @ValidateNested({ each: true })
  @Type(() => UnitPicksDto)
  units: UnitPicksDto[];
}

export class UnitAdvancementView {
  @ApiProperty({ format: 'uuid' }) unitId: string;
  @ApiProperty({ type: [String], description: 'Entries this call moved' }) moved: string[];
  @ApiProperty({ type: [String], description: 'Entries of the selection already at the next stage' }) alreadyAdvanced: string[];
}

export class AdvancedManyView {
  @ApiProperty({ type: [UnitAdvancementView] }) units: UnitAdvancementView[];
}

export class PickWindowDto {
  @ApiProperty({ example: '2017-08-01T00:00:00+07:00' }) @IsISO8601({ strict: true }) opensAt: string;
  @ApiProperty({ example: '2017-08-15T17:00:00+07:00' }) @IsISO8601({ strict: true }) closesAt: string;
}

export class ReportQuery {
  @ApiProperty({ format: 'uuid', description: 'The unit the report is for (a province, a district…), in your scope' })
  @IsUUID()
  unitId: string;
}

export class LevelResultView {
  @ApiProperty() level: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: '"*" for the whole stage, else the field code' }) scope: string;
  @ApiProperty() baseQuota: number;
  @ApiProperty() carriedIn: number;
  @ApiProperty() quota: number;
  @ApiProperty() awarded: number;
  @ApiProperty({ description: 'How far a tie group given the level under the all-get policy took it past its quota' }) exceededBy: number;
  @ApiProperty() unused: number;
  @ApiProperty() passedDown: number;
}

export class PreviewEntryView {
  @ApiProperty() entryId: string;
  @ApiProperty() position: number;
  @ApiProperty({ nullable: true, type: Number }) rank: number | null;
  @ApiProperty({ nullable: true, type: String, example: '87.250' }) score: string | null;
  @ApiProperty({ nullable: true, type: String }) prizeCode: string | null;
  @ApiProperty({ nullable: true, type: String }) prizeName: string | null;
  @ApiProperty() prizeMoney: number;
  @ApiProperty() fieldCode: string;
  @ApiProperty() fieldName: string;
  @ApiProperty() reference: string;
  @ApiProperty() title: string;
  @ApiProperty() authors: string;
  @ApiProperty() schoolName: string;
  @ApiProperty({ nullable: true, type: String }) districtName: string | null;
  @ApiProperty({
    type: 'object',
    properties: {
      text: { type: 'string' },
      rank: { type: 'integer', nullable: true },
      tieGroup: { type: 'integer', nullable: true },
      tieGroupSize: { type: 'integer' },
      decidedBy: { type: 'array', items: { type: 'string' } },
      decisions: { type: 'array', items: { type: 'object' } },
    },
    description: 'text (Vietnamese), rank, tie group and every level decision: minimum, quota used and left, outcome',
  })
  reason: { text: string; rank: number | null; tieGroup: number | null; tieGroupSize: number; decidedBy: string[]; decisions: unknown[] };
}

export class PrizeListPreview {
  @ApiProperty({ type: 'object', properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' } } }) stage: { id: string; name: string };
  @ApiProperty({ type: 'object', properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' } } }) unit: { id: string; name: string };
  @ApiProperty({ type: [LevelResultView] }) levels: unknown;
  @ApiProperty({ type: [PreviewEntryView] }) entries: PreviewEntryView[];
}

export class PublishedEntryView {
  @ApiProperty() prize: string;
  @ApiProperty() prizeCode: string;
  @ApiProperty({ nullable: true, type: Number }) rank: number | null;
  @ApiProperty() reference: string;
  @ApiProperty() title: string;
  @ApiProperty() authors: string;
  @ApiProperty() school: string;
  @ApiProperty({ nullable: true, type: String }) district: string | null;
  @ApiProperty() field: string;
  @ApiProperty({ nullable: true, type: String }) score: string | null;
  @ApiProperty() prizeMoney: number;
}

export class PublicPrizeList {
  @ApiProperty() id: string;
  @ApiProperty({ type: 'object', properties: { name: { type: 'string' }, editionNumber: { type: 'integer' }, seasonLabel: { type: 'string' } } })
  contest: { name: string; editionNumber: number; seasonLabel: string };
  @ApiProperty({ type: 'object', properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' } } }) stage: { id: string; name: string };
  @ApiProperty({ type: 'object', properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' } } }) unit: { id: string; name: string };
  @ApiProperty() version: number;
  @ApiProperty({ enum: ['provisional', 'final'] }) phase: PrizeListPhase;
  @ApiProperty({ nullable: true, type: Date }) objectionEndsAt: Date | null;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty() publishedAt: Date;
  @ApiProperty({ description: 'Every published version, oldest first; each stays readable with ?version=' })
  versions: Array<{ version: number; phase: PrizeListPhase; reason: string | null; publishedAt: Date }>;
  @ApiProperty({ type: [PublishedEntryView], description: 'Awarded entries, by prize then rank' }) entries: PublishedEntryView[];
  @ApiProperty({ description: 'Prizes and money per level' }) totals: Array<{ prizeCode: string; prizeName: string; count: number; prizeMoney: number }>;
}

const ADVANCEMENT_OUTCOMES: AdvancementOutcome[] = ['advances', 'already_advanced', 'below_threshold', 'beyond_count', 'beyond_field_cap', 'tie_at_cut', 'not_scored', 'not_picked'];

export class AdvancementLineView {
  @ApiProperty({ format: 'uuid' }) entryId: string;
  @ApiProperty() reference: string;
  @ApiProperty() title: string;
  @ApiProperty() school: string;
  @ApiProperty() fieldCode: string;
  @ApiProperty({ type: String, nullable: true, example: '87.25' }) score: string | null;
  @ApiProperty({ type: Number, nullable: true }) rank: number | null;
  @ApiProperty({ enum: ADVANCEMENT_OUTCOMES }) outcome: AdvancementOutcome;
  @ApiProperty({ description: 'Why, in Vietnamese' }) reason: string;
}

export class StageAtUnitView {
  @ApiProperty({ format: 'uuid' }) stageId: string;
  @ApiProperty() stageName: string;
  @ApiProperty({ format: 'uuid' }) unitId: string;
  @ApiProperty() unitName: string;
}

@ApiExtraModels(PickAdvancementDto, TopNAdvancementDto, ThresholdAdvancementDto, TopPercentAdvancementDto)
export class AdvancementPlanView {
  @ApiProperty({ type: StageAtUnitView }) from: StageAtUnitView;
  @ApiProperty({ type: StageAtUnitView }) to: StageAtUnitView;
  @ApiProperty({ ...ADVANCEMENT_REFS, description: 'The stage’s advancement rule' }) rule: AdvancementRule;
  @ApiProperty({ type: Number, nullable: true, description: 'How many the rule lets up from this unit; null for no count (a threshold, or a pick without cap)' }) count: number | null;
  @ApiProperty({ type: [AdvancementLineView] }) lines: AdvancementLineView[];
}

export class AdvancedView extends AdvancementPlanView {
  @ApiProperty({ type: [String], format: 'uuid', description: 'Entries this call moved' }) moved: string[];
  @ApiProperty({ type: [String], format: 'uuid', description: 'Entries of the selection already at the next stage (a repeat, or another organiser first)' }) alreadyAdvanced: string[];
}

export class PickWindowView {
  @ApiProperty({ format: 'uuid' }) stageId: string;
  @ApiProperty({ format: 'uuid' }) unitId: string;
  @ApiProperty() opensAt: Date;
  @ApiProperty() closesAt: Date;
}

export class IdNameView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
}

export class SenderUnitView extends IdNameView {
  @ApiProperty() code: string;
}

export class SelectedEntryView {
  @ApiProperty({ format: 'uuid' }) entryId: string;
  @ApiProperty() reference: string;
  @ApiProperty() title: string;
  @ApiProperty() fieldCode: string;
  @ApiProperty() fieldName: string;
  @ApiProperty({ type: String, nullable: true }) score: string | null;
  @ApiProperty({ type: Number, nullable: true }) rank: number | null;
  @ApiProperty({ description: 'The rule it went up by' }) rule: string;
  @ApiProperty() advancedAt: Date;
}

export class SenderSelectionView {
  @ApiProperty({ type: SenderUnitView }) unit: SenderUnitView;
  @ApiProperty({ type: [SelectedEntryView], description: 'By rank, then reference' }) entries: SelectedEntryView[];
}

export class SelectionsView {
  @ApiProperty({ type: IdNameView }) stage: IdNameView;
  @ApiProperty({ type: [SenderSelectionView] }) senders: SenderSelectionView[];
}

export class StageReachedView {
  @ApiProperty({ format: 'uuid' }) stageId: string;
  @ApiProperty() stageName: string;
  @ApiProperty() position: number;
  @ApiProperty({ format: 'uuid' }) unitId: string;
  @ApiProperty() unitName: string;
  @ApiProperty() enteredAt: Date;
  @ApiProperty({ type: String, nullable: true }) score: string | null;
  @ApiProperty({ type: String, nullable: true }) prizeCode: string | null;
  @ApiProperty({ type: String, nullable: true }) prizeName: string | null;
  @ApiProperty({ type: Number, nullable: true }) prizeListVersion: number | null;
  @ApiProperty({ enum: ['provisional', 'final'], nullable: true }) prizeListPhase: PrizeListPhase | null;
  @ApiProperty({ description: 'It went on to the next stage' }) advanced: boolean;
}

export class EntryHistoryView {
  @ApiProperty({ format: 'uuid' }) entryId: string;
  @ApiProperty({ type: [StageReachedView], description: 'By stage position' }) stages: StageReachedView[];
}

export class ReportEditionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() contestName: string;
  @ApiProperty() number: number;
  @ApiProperty() seasonLabel: string;
  @ApiProperty({ type: Number, nullable: true }) plannedEntries: number | null;
}

export class ReportLevelView {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() count: number;
  @ApiProperty() prizeMoney: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'Prizes by field code' }) byField: Record<string, number>;
}

export class ReportPrizesView {
  @ApiProperty() total: number;
  @ApiProperty() prizeMoney: number;
  @ApiProperty({ type: [ReportLevelView] }) byLevel: ReportLevelView[];
}

export class ReportStageView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() position: number;
  @ApiProperty() name: string;
  @ApiProperty() entries: number;
  @ApiProperty() sentUp: number;
  @ApiProperty({ type: ReportPrizesView }) prizes: ReportPrizesView;
}

export class SeasonReportView {
  @ApiProperty({ type: ReportEditionView }) edition: ReportEditionView;
  @ApiProperty({ type: IdNameView }) unit: IdNameView;
  @ApiProperty() unitsTakingPart: number;
  @ApiProperty() entriesRegistered: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Registered against the plan, percent with one decimal; null without a plan or below the edition’s unit' }) achievementPercent:
    number | null;
  @ApiProperty({ type: [ReportStageView] }) stages: ReportStageView[];
  @ApiProperty() prizeMoney: number;
}
