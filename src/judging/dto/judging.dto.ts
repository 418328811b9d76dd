import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  isInt,
  IsUUID,
  Length,
  Max,
  MaxLength,
  maxLength,
  Min,
  min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { AGGREGATIONS } from '../../contests/dto/edition.dto';
import { Aggregation, REJUDGE_MODES, RejudgeMode } from '../../contests/edition.types';
import { FieldProblemResponse } from '../../core/http/api-errors';
import { PageDto } from '../../core/http/paging';
import { assign, BROKEN, objectOf, optional } from '../../core/quick-accept';
import { cleanText, SAFE_CODE } from '../../core/text';
import { CleanText, NoInvisibleCharacters, SafeCode } from '../../core/validation';

export class CreatePanelDto {
  @ApiProperty({ format: 'uuid', description: "The unit that runs the stage for these entries: one at the stage's level that you organise" })
  @IsUUID()
  unitId: string;

  @ApiProperty({ example: 'Hội đồng giám khảo lĩnh vực Phần mềm tin học' }) @CleanText() @IsString() @Length(1, 200) @NoInvisibleCharacters() name: string;

  @ApiProperty({ type: [String], example: ['PM'], description: 'Codes of the fields this panel scores (one, or several)' })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 32, { each: true })
  @SafeCode({ each: true })
  fieldCodes: string[];

  @ApiProperty({ example: '2017-08-10T00:00:00+07:00' }) @IsDateString({ strict: true }) scoringOpensAt: string;
  @ApiProperty({ example: '2017-08-20T23:59:59+07:00' }) @IsDateString({ strict: true }) scoringClosesAt: string;

  @ApiPropertyOptional({ default: 0.5, description: 'The rubric step: every point given is a multiple of it' })
  @IsOptional()
  @IsIn([0.25, 0.5, 1])
  scoreStep?: number;

  @ApiPropertyOptional({ default: 24, minimum: 1, maximum: 720, description: 'Judges with unconfirmed sheets get one reminder this many hours before scoring closes' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(720)
  reminderLeadHours?: number;
}

export class UpdateWindowDto {
  @ApiProperty({ description: 'The panel version you read: a panel changed since answers 409' }) @IsInt() @Min(1) version: number;
  @ApiProperty({ example: '2017-08-10T00:00:00+07:00' }) @IsDateString({ strict: true }) scoringOpensAt: string;
  @ApiProperty({ example: '2017-08-22T23:59:59+07:00' }) @IsDateString({ strict: true }) scoringClosesAt: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 720, description: 'Hours before closing that judges with unconfirmed sheets are reminded; unchanged when left out' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(720)
  reminderLeadHours?: number;
}

export class RejudgeDto {
  @ApiProperty({ type: [Number], example: [85, 75, 65], description: 'The prize or advancement cuts (scores) to look around' })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  cuts: number[];

  @ApiProperty({ example: 1.5, description: 'Entries whose score is at most this far from a cut (either side) go to fresh judges' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  margin: number;
}

export const MEMBER_ROLES = ['judge', 'chair'] as const;

export class AddMemberDto {
  @ApiProperty({ format: 'uuid', description: 'An account holding a grant at or under the panel’s unit' }) @IsUUID() userId: string;
  @ApiProperty({ enum: MEMBER_ROLES }) @IsIn(MEMBER_ROLES) role: 'judge' | 'chair';

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The unit the judge works for: entries from it or under it (below the stage’s unit) are kept from them' })
  @IsOptional()
  @IsUUID()
  affiliationUnitId?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['PM'], description: 'Fields of expertise: the assignment prefers them' })
  @IsOptional()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 32, { each: true })
  @SafeCode({ each: true })
  fieldCodes?: string[];
}

/** Most members one call seats: a panel's judges and its chair, many times over. */
export const MAX_MEMBERS_PER_CALL = 200;

export class AddMembersDto {
  @ApiProperty({ type: [AddMemberDto], description: 'Each as `POST /panels/{id}/members` takes it; at most one chair' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_MEMBERS_PER_CALL)
  @ValidateNested({ each: true })
  @Type(() => AddMemberDto)
  members: AddMemberDto[];
}

export const RECORDED_CONFLICT_KINDS = ['relative', 'supervisor', 'other'] as const;

export class RecordConflictDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() judgeId: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() entryId: string;
  @ApiProperty({ enum: RECORDED_CONFLICT_KINDS, description: 'relative of an author, supervisor, or other' }) @IsIn(RECORDED_CONFLICT_KINDS) kind: 'relative' | 'supervisor' | 'other';
  @ApiPropertyOptional() @IsOptional() @CleanText() @IsString() @Length(1, 1000) @NoInvisibleCharacters() note?: string;
}

export class EntryPinsDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() entryId: string;
  @ApiProperty({ type: [String], format: 'uuid', description: "The panel's judges pinned to the entry (at most the stage's judges per entry); empty unpins them all" })
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  judgeIds: string[];
}

export class SetPinsDto {
  @ApiProperty({ type: [EntryPinsDto], description: 'The entries whose pins change; entries left out keep theirs' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => EntryPinsDto)
  entries: EntryPinsDto[];
}

const SHEET_KEYS = new Set(['version', 'points', 'comment']);

/**
 * A draft save as the validation pipe would build it, built straight from the body when it breaks no constraint
 * declared below (the judges' hot path, where class-transformer and class-validator were about a seventh of its CPU).
 * Points are taken only when every criterion code is a plain code and every value a number: the rubric's own checks
 * come later, in the service. Null for anything else, which the pipe then checks in full.
 */
function quickSheet(body: unknown): SaveSheetDto | null {
  const sheet = objectOf(body, SHEET_KEYS);
  if (!sheet) return null;
  const points = plainPoints(sheet.points);
  return assign(new SaveSheetDto(), sheet, {
    version: isInt(sheet.version) && min(sheet.version, 1) ? sheet.version : BROKEN,
    points: points ?? BROKEN,
    comment: optional(sheet.comment, (v) => {
      const cleaned = cleanText(v);
      return typeof cleaned === 'string' && maxLength(cleaned, 5000) ? cleaned : BROKEN;
    }),
  });
}

/**
 * A copy of `value` (as class-transformer makes one) when it is a plain object of numbers under plain codes.
 * class-transformer skips a key that names a member of every object (`constructor`, `toString`…): a body holding one
 * is left to it.
 */
function plainPoints(value: unknown): Record<string, number> | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) return null;
  const copy: Record<string, number> = {};
  for (const [code, points] of Object.entries(value)) {
    if (!SAFE_CODE.test(code) || code in Object.prototype || typeof points !== 'number') return null;
    copy[code] = points;
  }
  return copy;
}

export class SaveSheetDto {
  /** See quickSheet. */
  static quickAccept(body: unknown): SaveSheetDto | null {
    return quickSheet(body);
  }

  @ApiProperty({ description: 'The sheet version you read: a sheet changed since answers 409' }) @IsInt() @Min(1) version: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { novelty: 25, applicability: 30.5 },
    description: 'Points by rubric criterion code, 0 to its maximum in the rubric step; a draft may leave criteria out',
  })
  @IsObject()
  points: Record<string, number>;

  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @CleanText() @IsString() @MaxLength(5000) comment?: string | null;
}

export class ConfirmSheetDto {
  @ApiProperty({ description: 'The sheet version you read' }) @IsInt() @Min(1) version: number;
}

export class DeclareConflictDto {
  @ApiProperty({ example: 'Tôi là giáo viên hướng dẫn của nhóm tác giả' }) @CleanText() @IsString() @Length(1, 1000) @NoInvisibleCharacters() note: string;
}

export class ReasonDto {
  @ApiProperty({ example: 'Giám khảo nhập nhầm điểm tiêu chí 2' }) @CleanText() @IsString() @Length(1, 1000) @NoInvisibleCharacters() reason: string;
}

export const SETTLEMENTS = ['accepted', 'rescore', 'add_judge'] as const;

export class SettleFlagDto {
  @ApiProperty({ enum: SETTLEMENTS, description: 'accepted: the scores stand (note why); rescore: the judge named scores again; add_judge: the judge named scores the entry too' })
  @IsIn(SETTLEMENTS)
  action: 'accepted' | 'rescore' | 'add_judge';

  @ApiProperty() @CleanText() @IsString() @Length(1, 1000) @NoInvisibleCharacters() note: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'For rescore and add_judge: the judge' })
  @ValidateIf((dto: SettleFlagDto) => dto.action !== 'accepted')
  @IsUUID()
  judgeId?: string;
}

export class PanelView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) stageId: string;
  @ApiProperty() stageName: string;
  @ApiProperty({ format: 'uuid' }) unitId: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [String] }) fieldCodes: string[];
  @ApiProperty() scoringOpensAt: Date;
  @ApiProperty() scoringClosesAt: Date;
  @ApiProperty() blind: boolean;
  @ApiProperty() normaliseBias: boolean;
  @ApiProperty() scoreStep: number;
  @ApiProperty({ description: 'Hours before scoring closes that judges with unconfirmed sheets are reminded' }) reminderLeadHours: number;
  @ApiProperty({ enum: ['replace', 'join'], description: 'The stage’s setting: cusp re-judging scores replace or join the earlier ones' }) rejudgeMode: string;
  @ApiProperty({ enum: ['open', 'closed'] }) state: string;
  @ApiProperty() judgesPerEntry: number;
  @ApiProperty() version: number;
  @ApiProperty({ description: 'Judges and chair on the panel now', type: 'array', items: { type: 'object' } })
  members: Array<{ userId: string; fullName: string; role: string; affiliationUnitId: string | null; fieldCodes: string[] }>;
}

const SHEET_STATUSES = ['assigned', 'draft', 'confirmed'] as const;
const PANEL_STATES = ['open', 'closed'] as const;
const POINTS = { type: 'object', additionalProperties: { type: 'number' }, example: { novelty: 25, applicability: 30.5 }, description: 'Points by rubric criterion code' } as const;

/** A judge's score sheet of one entry, as its judge (and the chair) see it. */
export class SheetView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: SHEET_STATUSES }) status: 'assigned' | 'draft' | 'confirmed';
  @ApiProperty(POINTS) points: Record<string, number>;
  @ApiProperty({ type: String, nullable: true, example: '82.50', description: 'Sum of the points, two decimals; null before any point' }) total: string | null;
  @ApiProperty({ type: String, nullable: true }) comment: string | null;
  @ApiProperty({ description: 'Send it back with the next save or confirmation' }) version: number;
  @ApiProperty({ type: Date, nullable: true }) confirmedAt: Date | null;
}

export class ConfirmedSheetView extends SheetView {
  @ApiProperty({ description: 'The confirmed totals of the entry now lie too far apart: the chair settles the flag' }) flagged: boolean;
}

export class PanelSummaryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) stageId: string;
  @ApiProperty({ format: 'uuid' }) unitId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: PANEL_STATES }) state: 'open' | 'closed';
  @ApiProperty() scoringOpensAt: Date;
  @ApiProperty() scoringClosesAt: Date;
  @ApiProperty({ description: 'You organise the panel' }) organiser: boolean;
  @ApiProperty({ enum: MEMBER_ROLES, nullable: true, description: 'Your seat on the panel; null when you only organise it' }) role: 'judge' | 'chair' | null;
}

export class PanelSummaryPage extends PageDto(PanelSummaryView) {}

export class ConflictRecordedView {
  @ApiProperty({ format: 'uuid' }) judgeId: string;
  @ApiProperty({ format: 'uuid' }) entryId: string;
  @ApiProperty({ enum: RECORDED_CONFLICT_KINDS }) kind: 'relative' | 'supervisor' | 'other';
  @ApiProperty({ description: 'The judge held the entry, which went to another judge' }) reassigned: boolean;
}

export class AssignedPairView {
  @ApiProperty({ format: 'uuid' }) entryId: string;
  @ApiProperty({ format: 'uuid' }) judgeId: string;
  @ApiProperty({ description: '1, or the re-judging round the pair scores in' }) round: number;
}

export class DroppedPairView {
  @ApiProperty({ format: 'uuid' }) entryId: string;
  @ApiProperty({ format: 'uuid' }) judgeId: string;
  @ApiProperty({ enum: ['entry_removed', 'judge_removed', 'judge_inactive', 'conflict', 'surplus'] }) reason: 'entry_removed' | 'judge_removed' | 'judge_inactive' | 'conflict' | 'surplus';
  @ApiProperty({ enum: ['none', 'draft', 'confirmed'], description: 'What the judge had scored: it stays on record and stops counting' }) scores: 'none' | 'draft' | 'confirmed';
}

export class JudgeLoadView {
  @ApiProperty({ format: 'uuid' }) judgeId: string;
  @ApiProperty({ description: 'Entries assigned to the judge' }) count: number;
}

export class AssignmentView {
  @ApiProperty({ description: 'Judge-entry pairs in the panel now' }) assignments: number;
  @ApiProperty({ type: [AssignedPairView] }) added: AssignedPairView[];
  @ApiProperty({ type: [DroppedPairView] }) dropped: DroppedPairView[];
  @ApiProperty({ type: [JudgeLoadView] }) loads: JudgeLoadView[];
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Always empty here: an assignment that cannot be done answers 422' }) problems: object[];
}

export class PinView {
  @ApiProperty({ format: 'uuid' }) entryId: string;
  @ApiProperty({ format: 'uuid' }) judgeId: string;
}

export class PinsView {
  @ApiProperty({ type: [PinView], description: 'Every pin of the panel' }) pins: PinView[];
  @ApiProperty({ type: AssignmentView, nullable: true, description: 'The re-assignment, when the panel was assigned already' }) assignment: AssignmentView | null;
}

export class RejudgedEntryView {
  @ApiProperty({ format: 'uuid' }) entryId: string;
  @ApiProperty({ example: '84.50' }) score: string;
  @ApiProperty({ example: '85.00', description: 'The nearest cut' }) cut: string;
  @ApiProperty({ example: '0.50' }) distance: string;
  @ApiProperty({ description: 'The round the fresh judges score in' }) round: number;
  @ApiProperty({ type: [String], format: 'uuid', description: 'The fresh judges' }) judgeIds: string[];
}

export class RejudgeView {
  @ApiProperty({ enum: REJUDGE_MODES, description: 'The new scores replace the earlier ones, or join them' }) mode: RejudgeMode;
  @ApiProperty({ type: [RejudgedEntryView] }) entries: RejudgedEntryView[];
}

export class JudgeProgressView {
  @ApiProperty({ format: 'uuid' }) judgeId: string;
  @ApiProperty() fullName: string;
  @ApiProperty() assigned: number;
  @ApiProperty() drafted: number;
  @ApiProperty() confirmed: number;
}

export class EntryProgressView {
  @ApiProperty({ format: 'uuid' }) entryId: string;
  @ApiProperty() reference: string;
  @ApiProperty() blindNumber: string;
  @ApiProperty({ description: 'Judges holding a sheet of it' }) judges: number;
  @ApiProperty() confirmed: number;
  @ApiProperty() openFlag: boolean;
}

export class ProgressView {
  @ApiProperty({ format: 'uuid' }) panelId: string;
  @ApiProperty({ enum: PANEL_STATES }) state: 'open' | 'closed';
  @ApiProperty() judgesPerEntry: number;
  @ApiProperty({ type: [JudgeProgressView] }) judges: JudgeProgressView[];
  @ApiProperty({ type: [EntryProgressView] }) entries: EntryProgressView[];
  @ApiProperty({ type: [FieldProblemResponse], description: 'What keeps the panel from closing; empty when the chair can close it' }) closable: Array<
    Omit<FieldProblemResponse, 'params'> & { params: object }
  >;
}

export class CriterionView {
  @ApiProperty({ example: 'novelty' }) code: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 30 }) maxPoints: number;
}

export class JudgeScoreView {
  @ApiProperty({ format: 'uuid' }) judgeId: string;
  @ApiProperty() fullName: string;
  @ApiProperty(POINTS) points: Record<string, number>;
  @ApiProperty({ example: '82.50' }) total: string;
  @ApiProperty({ type: String, nullable: true, description: 'With bias normalisation: the total on the panel-wide scale' }) normalisedTotal: string | null;
}

export class ScoreFlagView {
  @ApiProperty({ enum: ['open', 'settled'] }) status: string;
  @ApiProperty({ example: '22.00' }) spread: string;
  @ApiProperty({ enum: SETTLEMENTS, nullable: true }) settlement: string | null;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
}

export class EntryScoresView {
  @ApiProperty({ format: 'uuid' }) entryId: string;
  @ApiProperty() reference: string;
  @ApiProperty() blindNumber: string;
  @ApiProperty() title: string;
  @ApiProperty() fieldCode: string;
  @ApiProperty({ type: [JudgeScoreView], description: 'Confirmed sheets that count' }) judges: JudgeScoreView[];
  @ApiProperty() confirmed: number;
  @ApiProperty({ type: String, nullable: true, example: '81.25', description: 'Aggregated by the stage’s rule; null without a confirmed score' }) score: string | null;
  @ApiProperty({ type: String, nullable: true }) normalisedScore: string | null;
  @ApiProperty({ example: '3.00', description: 'Highest minus lowest confirmed total' }) spread: string;
  @ApiProperty() openFlag: boolean;
  @ApiProperty({ type: [ScoreFlagView] }) flags: ScoreFlagView[];
}

export class ScoreTableView {
  @ApiProperty({ format: 'uuid' }) panelId: string;
  @ApiProperty({ enum: PANEL_STATES }) state: 'open' | 'closed';
  @ApiProperty({ enum: AGGREGATIONS }) aggregation: Aggregation;
  @ApiProperty() normaliseBias: boolean;
  @ApiProperty({ type: [CriterionView] }) rubric: CriterionView[];
  @ApiProperty({ type: [EntryScoresView] }) entries: EntryScoresView[];
}

export class AssignedEntryView {
  @ApiProperty({ format: 'uuid' }) entryId: string;
  @ApiProperty() blindNumber: string;
  @ApiProperty() title: string;
  @ApiProperty() fieldCode: string;
  @ApiPropertyOptional({ description: 'Left out where the stage is blind' }) reference?: string;
  @ApiProperty({ type: SheetView }) sheet: SheetView;
}

export class CodeNameView {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
}

export class JudgedAuthorView {
  @ApiProperty() fullName: string;
  @ApiProperty({ type: String, nullable: true }) classOrJob: string | null;
}

export class JudgedFileView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'A blind name where the stage is blind' }) name: string;
  @ApiProperty() mediaType: string;
  @ApiProperty() sizeBytes: number;
}

export class JudgeEntryDetailView {
  @ApiProperty({ format: 'uuid' }) entryId: string;
  @ApiProperty() blindNumber: string;
  @ApiProperty() title: string;
  @ApiProperty() summary: string;
  @ApiProperty({ type: CodeNameView }) field: CodeNameView;
  @ApiProperty({ type: CodeNameView, nullable: true, description: 'Null where the stage is blind' }) school: CodeNameView | null;
  @ApiProperty({ type: [JudgedAuthorView], nullable: true, description: 'Null where the stage is blind' }) authors: JudgedAuthorView[] | null;
  @ApiProperty({ type: [JudgedFileView] }) files: JudgedFileView[];
  @ApiProperty({ type: [CriterionView] }) rubric: CriterionView[];
  @ApiProperty({ description: 'Every point given is a multiple of it' }) scoreStep: number;
  @ApiProperty({ type: SheetView }) sheet: SheetView;
}

export class ConflictDeclaredView {
  @ApiProperty({ format: 'uuid' }) entryId: string;
  @ApiProperty({ description: 'False when no other judge could take the entry: the organiser sees it in the progress' }) reassigned: boolean;
}

export class FlagSettledView {
  @ApiProperty({ format: 'uuid' }) entryId: string;
  @ApiProperty({ enum: SETTLEMENTS }) settlement: 'accepted' | 'rescore' | 'add_judge';
}
