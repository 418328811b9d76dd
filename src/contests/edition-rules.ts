import type { FieldProblem } from '../core/errors/domain-error';
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
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date written YYYY-MM-DD (so 2017-02-30 is refused). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Sum of the criteria's maximum points, added in hundredths (points have two decimals) so 33.33 + 33.33 + 33.34 is 100. */
export function rubricTotal(rubric: readonly RubricCriterion[]): number {
  return rubric.reduce((sum, c) => sum + Math.round(c.maxPoints * 100), 0) / 100;
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isWhole = (value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
const isText = (value: unknown): boolean => typeof value === 'string' && value.trim().length > 0;
const isDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime());
const quoted = (values: Iterable<string>) => [...values].map((v) => `"${v}"`).join(', ');

class Problems {
  readonly list: FieldProblem[] = [];
  add(field: string, reason: string): void {
    this.list.push({ field, reason });
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
  if (!isWhole(definition.number, 1, EDITION_LIMITS.number)) problems.add('number', `must be a whole number from 1 to ${EDITION_LIMITS.number} (the "lần thứ" of the edition)`);
  if (!isText(definition.seasonLabel)) problems.add('seasonLabel', 'must not be empty (for example "2017" or "2021-2022")');
  if (!isWhole(definition.maxAuthors, 1, EDITION_LIMITS.maxAuthors)) problems.add('maxAuthors', `must be a whole number from 1 to ${EDITION_LIMITS.maxAuthors}: an entry has at least one author`);
  if (definition.plannedEntries !== null && !isWhole(definition.plannedEntries, 0, EDITION_LIMITS.plannedEntries)) {
    problems.add('plannedEntries', `must be a whole number from 0 to ${EDITION_LIMITS.plannedEntries}, or empty when there is no plan`);
  }
}

function checkWindow(definition: EditionDefinition, problems: Problems): void {
  const { registrationOpensAt: opens, registrationClosesAt: closes } = definition;
  if (!isDate(opens)) problems.add('registrationOpensAt', 'is not a valid date and time');
  if (!isDate(closes)) problems.add('registrationClosesAt', 'is not a valid date and time');
  if (isDate(opens) && isDate(closes) && closes.getTime() <= opens.getTime()) {
    problems.add('registrationClosesAt', `registration must close after it opens, but it closes at ${closes.toISOString()} and opens at ${opens.toISOString()}`);
  }
}

function checkEligibility(eligibility: Eligibility | null | undefined, contestKind: ContestKind, closes: Date, problems: Problems): void {
  if (!eligibility || typeof eligibility !== 'object') {
    problems.add('eligibility', 'is required');
    return;
  }
  if (eligibility.kind !== contestKind) {
    problems.add('eligibility.kind', `a ${contestKind} contest needs ${contestKind} eligibility, not "${String(eligibility.kind)}"`);
    return;
  }
  if (eligibility.kind === 'youth') {
    const { bornFrom, bornTo } = eligibility;
    const fromOk = isIsoDate(bornFrom) && Number(bornFrom.slice(0, 4)) >= EDITION_LIMITS.earliestYear;
    const toOk = isIsoDate(bornTo) && Number(bornTo.slice(0, 4)) >= EDITION_LIMITS.earliestYear;
    if (!fromOk) problems.add('eligibility.bornFrom', `must be a real date written YYYY-MM-DD, from ${EDITION_LIMITS.earliestYear} on`);
    if (!toOk) problems.add('eligibility.bornTo', `must be a real date written YYYY-MM-DD, from ${EDITION_LIMITS.earliestYear} on`);
    // ISO dates compare correctly as strings.
    if (fromOk && toOk && bornFrom > bornTo) problems.add('eligibility.bornTo', `the birth-date window ends (${bornTo}) before it starts (${bornFrom})`);
    if (fromOk && isDate(closes) && bornFrom > closes.toISOString().slice(0, 10)) {
      problems.add('eligibility.bornFrom', `nobody born on or after ${bornFrom} exists yet when registration closes (${closes.toISOString().slice(0, 10)})`);
    }
    return;
  }
  const year = eligibility.createdFromYear;
  const latest = isDate(closes) ? closes.getUTCFullYear() : Number.MAX_SAFE_INTEGER;
  if (!isWhole(year, EDITION_LIMITS.earliestYear, latest)) {
    problems.add(
      'eligibility.createdFromYear',
      isDate(closes)
        ? `must be a year from ${EDITION_LIMITS.earliestYear} to ${latest}: a solution must exist (created and applied) by the time registration closes`
        : `must be a year from ${EDITION_LIMITS.earliestYear} on`,
    );
  }
}

/** Codes are compared without case: "ht" and "HT" in one list would be told apart by nobody reading a spreadsheet. */
function checkCodes(items: ReadonlyArray<{ code: string }>, path: string, problems: Problems): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    if (!isText(item.code)) {
      problems.add(`${path}[${i}].code`, 'must not be empty');
      return;
    }
    const key = item.code.trim().toLowerCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else problems.add(`${path}[${i}].code`, `"${item.code}" is already the code of ${path}[${first}]; codes must be unique`);
  });
}

function checkFields(fields: readonly FieldDefinition[], problems: Problems): void {
  if (!Array.isArray(fields) || fields.length === 0) {
    problems.add('fields', 'an edition needs at least one field (lĩnh vực) for entries to be registered in');
    return;
  }
  checkCodes(fields, 'fields', problems);
  fields.forEach((field, i) => {
    if (!isText(field.name)) problems.add(`fields[${i}].name`, 'must not be empty');
  });
}

function checkRubric(rubric: readonly RubricCriterion[], problems: Problems): RubricFacts {
  if (!Array.isArray(rubric) || rubric.length === 0) {
    problems.add('rubric', 'a rubric needs at least one criterion for judges to score');
    return { codes: new Set(), total: null };
  }
  checkCodes(rubric, 'rubric', problems);
  let usable = true;
  rubric.forEach((criterion, i) => {
    if (!isText(criterion.name)) problems.add(`rubric[${i}].name`, 'must not be empty');
    if (!isNumber(criterion.maxPoints) || criterion.maxPoints <= 0 || criterion.maxPoints > EDITION_LIMITS.criterionPoints) {
      problems.add(`rubric[${i}].maxPoints`, `must be more than 0 and at most ${EDITION_LIMITS.criterionPoints} points`);
      usable = false;
    }
  });
  return { codes: new Set(rubric.map((c) => c.code)), total: usable ? rubricTotal(rubric) : null };
}

/** A score-like value (threshold, minimum score, spread) lies within 0 and the rubric's total. */
function checkScore(value: unknown, field: string, rubric: RubricFacts, problems: Problems): void {
  if (!isNumber(value) || value < 0) problems.add(field, rubric.total === null ? 'must be a number of points, 0 or more' : `must be between 0 and the rubric total (${rubric.total} points)`);
  else if (rubric.total !== null && value > rubric.total) problems.add(field, `must be between 0 and the rubric total (${rubric.total} points), not ${value}`);
}

function checkStages(stages: readonly StageDefinition[], context: EditionContext, rubric: RubricFacts, problems: Problems): void {
  if (!Array.isArray(stages) || stages.length === 0) {
    problems.add('stages', 'an edition needs at least one stage');
    return;
  }
  stages.forEach((stage, i) => checkStage(stage, i, stages, context, rubric, problems));
}

function checkStage(stage: StageDefinition, i: number, stages: readonly StageDefinition[], context: EditionContext, rubric: RubricFacts, problems: Problems): void {
  const path = `stages[${i}]`;
  if (!isText(stage.name)) problems.add(`${path}.name`, 'must not be empty');
  checkLevel(stage, i, stages, context, problems);
  if (!AGGREGATIONS.includes(stage.aggregation)) problems.add(`${path}.aggregation`, `must be one of ${quoted(AGGREGATIONS)}`);

  if (stage.judged) {
    if (!isWhole(stage.judgesPerEntry, 1, EDITION_LIMITS.judgesPerEntry)) {
      problems.add(`${path}.judgesPerEntry`, `a judged stage needs a whole number of judges per entry from 1 to ${EDITION_LIMITS.judgesPerEntry}`);
    } else if (stage.aggregation === 'trimmed_mean' && stage.judgesPerEntry < TRIMMED_MEAN_MIN_JUDGES) {
      problems.add(
        `${path}.judgesPerEntry`,
        `a trimmed mean drops the highest and lowest totals only when ${TRIMMED_MEAN_MIN_JUDGES} or more judges score an entry; with ${stage.judgesPerEntry} it would always be a plain mean: plan at least ${TRIMMED_MEAN_MIN_JUDGES} judges or use "mean"`,
      );
    }
    if (stage.discrepancySpread !== null && stage.discrepancySpread !== undefined) checkScore(stage.discrepancySpread, `${path}.discrepancySpread`, rubric, problems);
    checkTieBreak(stage.tieBreak, path, rubric, problems);
  } else {
    // Without judges there are no scores: every score-based setting would be silently ignored.
    if (stage.judgesPerEntry !== 0) problems.add(`${path}.judgesPerEntry`, 'an unjudged stage has no judges: set 0, or make the stage judged');
    if (stage.discrepancySpread !== null && stage.discrepancySpread !== undefined) problems.add(`${path}.discrepancySpread`, 'only judged stages compare judges\' totals: leave it empty, or make the stage judged');
    if (Array.isArray(stage.tieBreak) && stage.tieBreak.length > 0) problems.add(`${path}.tieBreak`, 'only judged stages rank entries by score: leave it empty, or make the stage judged');
    if (stage.prizeScheme) problems.add(`${path}.prizeScheme`, 'prizes are awarded by score, but this stage is not judged: remove the prize scheme, or make the stage judged');
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
    problems.add(field, `there is no unit level "${stage.levelCode}" (levels: ${quoted(context.levels.keys())})`);
    return;
  }
  if (i === 0 && level.rank < context.editionUnitRank) {
    problems.add(field, `the first stage runs at "${stage.levelCode}", above the unit that runs the edition: entries start at or below that unit`);
  }
  if (i > 0 && level.isLeaf) {
    problems.add(field, `"${stage.levelCode}" is a leaf level (schools, organisations) with nothing below it to send entries up: only the first stage may run there`);
  }
  const previous = i > 0 ? context.levels.get(stages[i - 1].levelCode) : undefined;
  if (previous && level.rank >= previous.rank) {
    problems.add(field, `stages must climb the unit tree, but "${stage.levelCode}" is not above "${stages[i - 1].levelCode}" of stages[${i - 1}]`);
  }
}

function checkTieBreak(tieBreak: readonly string[], path: string, rubric: RubricFacts, problems: Problems): void {
  if (!Array.isArray(tieBreak)) return;
  const seen = new Set<string>();
  tieBreak.forEach((code, j) => {
    if (!rubric.codes.has(code)) problems.add(`${path}.tieBreak[${j}]`, `"${code}" is not a rubric criterion (criteria: ${quoted(rubric.codes)})`);
    else if (seen.has(code)) problems.add(`${path}.tieBreak[${j}]`, `"${code}" is already listed: each criterion breaks ties once`);
    seen.add(code);
  });
}

function checkAdvancement(stage: StageDefinition, i: number, stages: readonly StageDefinition[], rubric: RubricFacts, problems: Problems): void {
  const path = `stages[${i}].advancement`;
  const rule: AdvancementRule | null | undefined = stage.advancement;
  if (!rule) {
    const next = stages[i + 1];
    if (next) problems.add(path, `entries need a way up to stages[${i + 1}] ("${next.levelCode}"): set an advancement rule (only the last stage may have none)`);
    return;
  }
  if (i === stages.length - 1) {
    problems.add(path, 'the last stage has no stage above it to send entries to: remove the advancement rule, or add the next stage');
    return;
  }
  if (!ADVANCEMENT_KINDS.includes(rule.kind)) {
    problems.add(`${path}.kind`, `must be one of ${quoted(ADVANCEMENT_KINDS)}`);
    return;
  }
  if (!stage.judged && rule.kind !== 'pick') problems.add(`${path}.kind`, `"${rule.kind}" ranks entries by score, but this stage is not judged: use "pick"`);
  if (rule.kind === 'top_n' && !isWhole(rule.count, 1)) problems.add(`${path}.count`, 'must be a whole number of entries per unit, 1 or more');
  if (rule.kind === 'threshold') checkScore(rule.minScore, `${path}.minScore`, rubric, problems);
  if (rule.kind === 'top_percent' && !(isNumber(rule.percent) && rule.percent > 0 && rule.percent <= 100)) problems.add(`${path}.percent`, 'must be more than 0 and at most 100');
  if (rule.perFieldCap !== undefined && rule.perFieldCap !== null && !isWhole(rule.perFieldCap, 1)) {
    problems.add(`${path}.perFieldCap`, 'must be a whole number of entries per field, 1 or more (leave it out for no cap)');
  }
}

function checkPrizeScheme(scheme: PrizeScheme, path: string, rubric: RubricFacts, problems: Problems): void {
  if (!TIE_POLICIES.includes(scheme.tiePolicy)) problems.add(`${path}.tiePolicy`, `must be one of ${quoted(TIE_POLICIES)}`);
  if (typeof scheme.passUnusedQuotaDown !== 'boolean') problems.add(`${path}.passUnusedQuotaDown`, 'must be true or false');
  if (!Array.isArray(scheme.levels) || scheme.levels.length === 0) {
    problems.add(`${path}.levels`, 'a prize scheme needs at least one prize level');
    return;
  }
  checkCodes(scheme.levels, `${path}.levels`, problems);
  let shares = 0;
  scheme.levels.forEach((level, j) => {
    const at = `${path}.levels[${j}]`;
    if (!isText(level.name)) problems.add(`${at}.name`, 'must not be empty');
    if (!QUOTA_KINDS.includes(level.quotaKind)) problems.add(`${at}.quotaKind`, `must be one of ${quoted(QUOTA_KINDS)}`);
    if (level.quotaKind === 'count' && !isWhole(level.quota, 0)) problems.add(`${at}.quota`, 'a count of prizes must be a whole number, 0 or more (0 leaves the level empty)');
    if (level.quotaKind === 'share') {
      if (!isNumber(level.quota) || level.quota < 0 || level.quota > 1) problems.add(`${at}.quota`, 'a share of the entries must be between 0 and 1 (0.1 is 10%)');
      else shares += level.quota;
    }
    checkScore(level.minScore, `${at}.minScore`, rubric, problems);
    if (!PRIZE_SCOPES.includes(level.scope)) problems.add(`${at}.scope`, `must be one of ${quoted(PRIZE_SCOPES)}`);
    if (!isWhole(level.prizeMoney, 0)) problems.add(`${at}.prizeMoney`, 'must be a whole number of VND, 0 or more');
  });
  // Compared in thousandths of a share, so 0.7 + 0.2 + 0.1 is not "more than 1".
  if (Math.round(shares * 1000) > 1000) problems.add(`${path}.levels`, `the shares add up to ${shares.toFixed(3)}: more prizes than entries`);
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
        warnings.push({
          field: `stages[${i}].prizeScheme.levels[${j}].minScore`,
          reason: `"${level.code}" ranks above "${next.code}" but asks a lower minimum (${level.minScore} < ${next.minScore}): entries between the two reach "${level.code}" without reaching "${next.code}"`,
        });
      }
    });
  });
  return warnings;
}
