import { FieldProblem, problem } from '../core/errors/domain-error';
import type { ProblemCode, ProblemParams } from '../core/errors/problem-codes';
import { isIsoDate } from '../core/dates';
import type { AdvancementRule, ContestKind, EditionDefinition, Eligibility, FieldDefinition, PrizeScheme, RubricCriterion, StageDefinition } from './edition.types';

/** What an edition's rules are checked against: the unit tree's levels and the unit that runs the edition. */
export interface EditionContext {
  contestKind: ContestKind;
  /** Every level of the unit tree by code; rank 0 is the nation, deeper levels rank higher. */
  levels: ReadonlyMap<string, { rank: number; isLeaf: boolean }>;
  /** Rank of the level of the unit that runs the edition. */
  editionUnitRank: number;
}

/**
 * DOMAIN.md: a trimmed mean drops the highest and lowest totals only "when 5 or more judges" scored.
 * A stage planned with 3 or 4 judges would therefore never trim and silently be a plain mean, so a
 * trimmed-mean stage must plan at least 5 judges per entry.
 */
export { isIsoDate };

export const TRIMMED_MEAN_MIN_JUDGES = 5;

/** Bounds beyond which a setting is a typo rather than a contest (they also keep values inside their columns). */
export const EDITION_LIMITS = {
  number: 9999,
  maxAuthors: 50,
  plannedEntries: 10_000_000,
  judgesPerEntry: 50,
  criterionPoints: 1000,
  earliestYear: 1900,
} as const;

const AGGREGATIONS = ['mean', 'trimmed_mean'];
const ADVANCEMENT_KINDS = ['pick', 'top_n', 'threshold', 'top_percent'];
const QUOTA_KINDS = ['count', 'share'];
const TIE_POLICIES = ['all_get_level', 'group_drops'];
const PRIZE_SCOPES = ['stage', 'field'];

/** Sum of the criteria's maximum points, added in hundredths (points have two decimals) so 33.33 + 33.33 + 33.34 is 100. */
export function rubricTotal(rubric: readonly RubricCriterion[]): number {
  return rubric.reduce((sum, c) => sum + Math.round(c.maxPoints * 100), 0) / 100;
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isWhole = (value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
const isText = (value: unknown): boolean => typeof value === 'string' && value.trim().length > 0;
const isDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime());

class Problems {
  readonly list: FieldProblem[] = [];
  add<C extends ProblemCode>(field: string, code: C, params: ProblemParams<C>): void {
    this.list.push(problem(field, code, params));
  }
}

/** Rubric facts the stage checks need; `total` is null when the rubric itself is unusable. */
interface RubricFacts {
  codes: Set<string>;
  total: number | null;
}

/**
 * Every reason an edition definition cannot run, each naming its field (`stages[2].prizeScheme.levels[0].quota`)
 * and saying why in words an organiser understands. Empty when the definition is sound.
 * Shapes (types, required properties) are the DTO's job; this checks what the values mean together.
 */
export function editionProblems(definition: EditionDefinition, context: EditionContext): FieldProblem[] {
  const problems = new Problems();
  checkFigures(definition, problems);
  checkWindow(definition, problems);
  checkEligibility(definition.eligibility, context.contestKind, definition.registrationClosesAt, problems);
  checkFields(definition.fields, problems);
  const rubric = checkRubric(definition.rubric, problems);
  checkStages(definition.stages, context, rubric, problems);
  return problems.list;
}

function checkFigures(definition: EditionDefinition, problems: Problems): void {
  if (!isWhole(definition.number, 1, EDITION_LIMITS.number)) problems.add('number', 'WHOLE_NUMBER_RANGE', { min: 1, max: EDITION_LIMITS.number, hint: 'edition-number' });
  if (!isText(definition.seasonLabel)) problems.add('seasonLabel', 'SEASON_LABEL_EMPTY', {});
  if (!isWhole(definition.maxAuthors, 1, EDITION_LIMITS.maxAuthors)) problems.add('maxAuthors', 'WHOLE_NUMBER_RANGE', { min: 1, max: EDITION_LIMITS.maxAuthors, hint: 'authors' });
  if (definition.plannedEntries !== null && !isWhole(definition.plannedEntries, 0, EDITION_LIMITS.plannedEntries)) {
    problems.add('plannedEntries', 'WHOLE_NUMBER_RANGE', { min: 0, max: EDITION_LIMITS.plannedEntries, hint: 'plan' });
  }
}

function checkWindow(definition: EditionDefinition, problems: Problems): void {
  const { registrationOpensAt: opens, registrationClosesAt: closes } = definition;
  if (!isDate(opens)) problems.add('registrationOpensAt', 'NOT_A_DATE_TIME_VALUE', {});
  if (!isDate(closes)) problems.add('registrationClosesAt', 'NOT_A_DATE_TIME_VALUE', {});
  if (isDate(opens) && isDate(closes) && closes.getTime() <= opens.getTime()) {
    problems.add('registrationClosesAt', 'WINDOW_ORDER', { closesAt: closes.toISOString(), opensAt: opens.toISOString() });
  }
}

function checkEligibility(eligibility: Eligibility | null | undefined, contestKind: ContestKind, closes: Date, problems: Problems): void {
  if (!eligibility || typeof eligibility !== 'object') {
    problems.add('eligibility', 'FIELD_REQUIRED', {});
    return;
  }
  if (eligibility.kind !== contestKind) {
    problems.add('eligibility.kind', 'ELIGIBILITY_KIND', { contestKind, given: String(eligibility.kind) });
    return;
  }
  if (eligibility.kind === 'youth') {
    const { bornFrom, bornTo } = eligibility;
    const fromOk = isIsoDate(bornFrom) && Number(bornFrom.slice(0, 4)) >= EDITION_LIMITS.earliestYear;
    const toOk = isIsoDate(bornTo) && Number(bornTo.slice(0, 4)) >= EDITION_LIMITS.earliestYear;
    if (!fromOk) problems.add('eligibility.bornFrom', 'DATE_FROM_YEAR', { earliestYear: EDITION_LIMITS.earliestYear });
    if (!toOk) problems.add('eligibility.bornTo', 'DATE_FROM_YEAR', { earliestYear: EDITION_LIMITS.earliestYear });
    // ISO dates compare correctly as strings.
    if (fromOk && toOk && bornFrom > bornTo) problems.add('eligibility.bornTo', 'BIRTH_WINDOW_ORDER', { bornFrom, bornTo });
    if (fromOk && isDate(closes) && bornFrom > closes.toISOString().slice(0, 10)) {
      problems.add('eligibility.bornFrom', 'BORN_AFTER_CLOSE', { bornFrom, closesOn: closes.toISOString().slice(0, 10) });
    }
    return;
  }
  const year = eligibility.createdFromYear;
  const latest = isDate(closes) ? closes.getUTCFullYear() : Number.MAX_SAFE_INTEGER;
  if (!isWhole(year, EDITION_LIMITS.earliestYear, latest)) {
    problems.add('eligibility.createdFromYear', 'CREATED_FROM_YEAR_RANGE', { earliestYear: EDITION_LIMITS.earliestYear, latest: isDate(closes) ? latest : null });
  }
}

/** Codes are compared without case: "ht" and "HT" in one list would be told apart by nobody reading a spreadsheet. */
function checkCodes(items: ReadonlyArray<{ code: string }>, path: string, problems: Problems): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    if (!isText(item.code)) {
      problems.add(`${path}[${i}].code`, 'FIELD_EMPTY', {});
      return;
    }
    const key = item.code.trim().toLowerCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else problems.add(`${path}[${i}].code`, 'CODE_DUPLICATE', { code: item.code, first: `${path}[${first}]` });
  });
}

function checkFields(fields: readonly FieldDefinition[], problems: Problems): void {
  if (!Array.isArray(fields) || fields.length === 0) {
    problems.add('fields', 'NO_FIELDS', {});
    return;
  }
  checkCodes(fields, 'fields', problems);
  fields.forEach((field, i) => {
    if (!isText(field.name)) problems.add(`fields[${i}].name`, 'FIELD_EMPTY', {});
  });
}

function checkRubric(rubric: readonly RubricCriterion[], problems: Problems): RubricFacts {
  if (!Array.isArray(rubric) || rubric.length === 0) {
    problems.add('rubric', 'NO_CRITERIA', {});
    return { codes: new Set(), total: null };
  }
  checkCodes(rubric, 'rubric', problems);
  let usable = true;
  rubric.forEach((criterion, i) => {
    if (!isText(criterion.name)) problems.add(`rubric[${i}].name`, 'FIELD_EMPTY', {});
    if (!isNumber(criterion.maxPoints) || criterion.maxPoints <= 0 || criterion.maxPoints > EDITION_LIMITS.criterionPoints) {
      problems.add(`rubric[${i}].maxPoints`, 'CRITERION_POINTS', { max: EDITION_LIMITS.criterionPoints });
      usable = false;
    }
  });
  return { codes: new Set(rubric.map((c) => c.code)), total: usable ? rubricTotal(rubric) : null };
}

/** A score-like value (threshold, minimum score, spread) lies within 0 and the rubric's total. */
function checkScore(value: unknown, field: string, rubric: RubricFacts, problems: Problems): void {
  if (!isNumber(value) || value < 0) {
    if (rubric.total === null) problems.add(field, 'POINTS_NOT_NEGATIVE', {});
    else problems.add(field, 'POINTS_WITHIN_TOTAL', { total: rubric.total });
  } else if (rubric.total !== null && value > rubric.total) problems.add(field, 'POINTS_WITHIN_TOTAL', { total: rubric.total, value });
}

function checkStages(stages: readonly StageDefinition[], context: EditionContext, rubric: RubricFacts, problems: Problems): void {
  if (!Array.isArray(stages) || stages.length === 0) {
    problems.add('stages', 'NO_STAGES', {});
    return;
  }
  stages.forEach((stage, i) => checkStage(stage, i, stages, context, rubric, problems));
}

function checkStage(stage: StageDefinition, i: number, stages: readonly StageDefinition[], context: EditionContext, rubric: RubricFacts, problems: Problems): void {
  const path = `stages[${i}]`;
  if (!isText(stage.name)) problems.add(`${path}.name`, 'FIELD_EMPTY', {});
  checkLevel(stage, i, stages, context, problems);
  if (!AGGREGATIONS.includes(stage.aggregation)) problems.add(`${path}.aggregation`, 'NOT_ONE_OF', { allowed: AGGREGATIONS });

  if (stage.judged) {
    if (!isWhole(stage.judgesPerEntry, 1, EDITION_LIMITS.judgesPerEntry)) {
      problems.add(`${path}.judgesPerEntry`, 'JUDGES_PER_ENTRY', { max: EDITION_LIMITS.judgesPerEntry });
    } else if (stage.aggregation === 'trimmed_mean' && stage.judgesPerEntry < TRIMMED_MEAN_MIN_JUDGES) {
      problems.add(`${path}.judgesPerEntry`, 'TRIMMED_MEAN_JUDGES', { min: TRIMMED_MEAN_MIN_JUDGES, judges: stage.judgesPerEntry });
    }
    if (stage.discrepancySpread !== null && stage.discrepancySpread !== undefined) checkScore(stage.discrepancySpread, `${path}.discrepancySpread`, rubric, problems);
    checkTieBreak(stage.tieBreak, path, rubric, problems);
  } else {
    // Without judges there are no scores: every score-based setting would be silently ignored.
    if (stage.judgesPerEntry !== 0) problems.add(`${path}.judgesPerEntry`, 'UNJUDGED_JUDGES', {});
    if (stage.discrepancySpread !== null && stage.discrepancySpread !== undefined) problems.add(`${path}.discrepancySpread`, 'UNJUDGED_SPREAD', {});
    if (Array.isArray(stage.tieBreak) && stage.tieBreak.length > 0) problems.add(`${path}.tieBreak`, 'UNJUDGED_TIE_BREAK', {});
    if (stage.prizeScheme) problems.add(`${path}.prizeScheme`, 'UNJUDGED_PRIZES', {});
  }

  checkAdvancement(stage, i, stages, rubric, problems);
  if (stage.judged && stage.prizeScheme) checkPrizeScheme(stage.prizeScheme, `${path}.prizeScheme`, rubric, problems);
}

/**
 * Stages climb the tree: each runs at a strictly higher level (smaller rank) than the one before, whatever
 * levels the ladder has (school → province works without districts).
 * The first stage runs at or below the edition's own unit (rank ≥ the unit's rank): each stage runs once per
 * unit of its level, and the edition can only hold rounds for units under the one that runs it, where its
 * entries come from. Later stages may climb above that unit: a provincial edition ends by sending its best
 * entries to the national round, which it records as its last stage.
 * A leaf level (school, organisation) can only be the first stage: nothing below a leaf can send entries up to it.
 */
function checkLevel(stage: StageDefinition, i: number, stages: readonly StageDefinition[], context: EditionContext, problems: Problems): void {
  const field = `stages[${i}].levelCode`;
  const level = context.levels.get(stage.levelCode);
  if (!level) {
    problems.add(field, 'NO_SUCH_UNIT_LEVEL', { levelCode: stage.levelCode, levels: [...context.levels.keys()] });
    return;
  }
  if (i === 0 && level.rank < context.editionUnitRank) {
    problems.add(field, 'FIRST_STAGE_TOO_HIGH', { levelCode: stage.levelCode });
  }
  if (i > 0 && level.isLeaf) {
    problems.add(field, 'LEAF_LEVEL_LATER_STAGE', { levelCode: stage.levelCode });
  }
  const previous = i > 0 ? context.levels.get(stages[i - 1].levelCode) : undefined;
  if (previous && level.rank >= previous.rank) {
    problems.add(field, 'STAGES_MUST_CLIMB', { levelCode: stage.levelCode, previousLevelCode: stages[i - 1].levelCode, previous: i - 1 });
  }
}

function checkTieBreak(tieBreak: readonly string[], path: string, rubric: RubricFacts, problems: Problems): void {
  if (!Array.isArray(tieBreak)) return;
  const seen = new Set<string>();
  tieBreak.forEach((code, j) => {
    if (!rubric.codes.has(code)) problems.add(`${path}.tieBreak[${j}]`, 'NOT_A_CRITERION', { code, criteria: [...rubric.codes] });
    else if (seen.has(code)) problems.add(`${path}.tieBreak[${j}]`, 'TIE_BREAK_REPEATED', { code });
    seen.add(code);
  });
}

function checkAdvancement(stage: StageDefinition, i: number, stages: readonly StageDefinition[], rubric: RubricFacts, problems: Problems): void {
  const path = `stages[${i}].advancement`;
  const rule: AdvancementRule | null | undefined = stage.advancement;
  if (!rule) {
    const next = stages[i + 1];
    if (next) problems.add(path, 'ADVANCEMENT_MISSING', { next: i + 1, levelCode: next.levelCode });
    return;
  }
  if (i === stages.length - 1) {
    problems.add(path, 'ADVANCEMENT_ON_LAST', {});
    return;
  }
  if (!ADVANCEMENT_KINDS.includes(rule.kind)) {
    problems.add(`${path}.kind`, 'NOT_ONE_OF', { allowed: ADVANCEMENT_KINDS });
    return;
  }
  if (!stage.judged && rule.kind !== 'pick') problems.add(`${path}.kind`, 'ADVANCEMENT_NEEDS_SCORES', { kind: rule.kind });
  if (rule.kind === 'top_n' && !isWhole(rule.count, 1)) problems.add(`${path}.count`, 'COUNT_PER_UNIT', {});
  if (rule.kind === 'threshold') checkScore(rule.minScore, `${path}.minScore`, rubric, problems);
  if (rule.kind === 'top_percent' && !(isNumber(rule.percent) && rule.percent > 0 && rule.percent <= 100)) problems.add(`${path}.percent`, 'PERCENT_RANGE', {});
  if (rule.perFieldCap !== undefined && rule.perFieldCap !== null && !isWhole(rule.perFieldCap, 1)) {
    problems.add(`${path}.perFieldCap`, 'PER_FIELD_CAP', {});
  }
}

function checkPrizeScheme(scheme: PrizeScheme, path: string, rubric: RubricFacts, problems: Problems): void {
  if (!TIE_POLICIES.includes(scheme.tiePolicy)) problems.add(`${path}.tiePolicy`, 'NOT_ONE_OF', { allowed: TIE_POLICIES });
  if (typeof scheme.passUnusedQuotaDown !== 'boolean') problems.add(`${path}.passUnusedQuotaDown`, 'NOT_A_BOOLEAN', {});
  if (!Array.isArray(scheme.levels) || scheme.levels.length === 0) {
    problems.add(`${path}.levels`, 'NO_PRIZE_LEVELS', {});
    return;
  }
  checkCodes(scheme.levels, `${path}.levels`, problems);
  let shares = 0;
  scheme.levels.forEach((level, j) => {
    const at = `${path}.levels[${j}]`;
    if (!isText(level.name)) problems.add(`${at}.name`, 'FIELD_EMPTY', {});
    if (!QUOTA_KINDS.includes(level.quotaKind)) problems.add(`${at}.quotaKind`, 'NOT_ONE_OF', { allowed: QUOTA_KINDS });
    if (level.quotaKind === 'count' && !isWhole(level.quota, 0)) problems.add(`${at}.quota`, 'QUOTA_COUNT', {});
    if (level.quotaKind === 'share') {
      if (!isNumber(level.quota) || level.quota < 0 || level.quota > 1) problems.add(`${at}.quota`, 'QUOTA_SHARE', {});
      else shares += level.quota;
    }
    checkScore(level.minScore, `${at}.minScore`, rubric, problems);
    if (!PRIZE_SCOPES.includes(level.scope)) problems.add(`${at}.scope`, 'NOT_ONE_OF', { allowed: PRIZE_SCOPES });
    if (!isWhole(level.prizeMoney, 0)) problems.add(`${at}.prizeMoney`, 'PRIZE_MONEY', {});
  });
  // Compared in thousandths of a share, so 0.7 + 0.2 + 0.1 is not "more than 1".
  if (Math.round(shares * 1000) > 1000) problems.add(`${path}.levels`, 'SHARES_OVER_ONE', { total: shares.toFixed(3) });
}

/**
 * Settings that can run but probably are not what the organiser meant, each naming its field: the API
 * returns them beside the edition rather than refusing it.
 */
export function editionWarnings(definition: EditionDefinition): FieldProblem[] {
  const warnings: FieldProblem[] = [];
  definition.stages.forEach((stage, i) => {
    const levels = stage.prizeScheme?.levels ?? [];
    levels.forEach((level, j) => {
      const next = levels[j + 1];
      if (next && next.scope === level.scope && level.minScore < next.minScore) {
        warnings.push(
          problem(`stages[${i}].prizeScheme.levels[${j}].minScore`, 'PRIZE_MINIMUM_ORDER', { code: level.code, nextCode: next.code, minScore: level.minScore, nextMinScore: next.minScore }),
        );
      }
    });
  });
  return warnings;
}
