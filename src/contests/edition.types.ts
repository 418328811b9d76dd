/** Plain data shapes of an edition's rules, shared by the pure validators, entities and DTOs. */

export type ContestKind = 'youth' | 'technical';

export interface YouthEligibility {
  kind: 'youth';
  /** ISO dates (YYYY-MM-DD), inclusive: authors must be born within the window. */
  bornFrom: string;
  bornTo: string;
}

export interface TechnicalEligibility {
  kind: 'technical';
  /** A solution must have been created (and applied) in this year or later. */
  createdFromYear: number;
}

export type Eligibility = YouthEligibility | TechnicalEligibility;

export type Aggregation = 'mean' | 'trimmed_mean';

/** How a cusp re-judging's new scores count: instead of the entry's earlier ones, or beside them. */
export type RejudgeMode = 'replace' | 'join';
export const REJUDGE_MODES: readonly RejudgeMode[] = ['replace', 'join'];

export type AdvancementRule =
  | { kind: 'pick'; perFieldCap?: number }
  | { kind: 'top_n'; count: number; perFieldCap?: number }
  | { kind: 'threshold'; minScore: number; perFieldCap?: number }
  | { kind: 'top_percent'; percent: number; perFieldCap?: number };

export type QuotaKind = 'count' | 'share';
export type TiePolicy = 'all_get_level' | 'group_drops';

export interface PrizeLevel {
  code: string;
  name: string;
  quotaKind: QuotaKind;
  /** A count of prizes, or a share (0–1) of the stage's entries. */
  quota: number;
  minScore: number;
  scope: 'stage' | 'field';
  /** Prize money per award, in VND. */
  prizeMoney: number;
}

export interface PrizeScheme {
  levels: PrizeLevel[];
  tiePolicy: TiePolicy;
  passUnusedQuotaDown: boolean;
}

export interface StageDefinition {
  name: string;
  levelCode: string;
  judged: boolean;
  judgesPerEntry: number;
  aggregation: Aggregation;
  /** Judges' totals further apart than this flag the entry for the chair. */
  discrepancySpread: number | null;
  /** Rubric criterion codes breaking ties, in order. */
  tieBreak: string[];
  /** Judged stages: judges see a blind number, no authors, school or district, no dossier file names. Off when absent. */
  blind?: boolean;
  /** Judged stages: each judge's totals are standardised across the panel (z-score) before aggregation. Off when absent. */
  normaliseBias?: boolean;
  /** Judged stages: whether a cusp re-judging's scores replace the entry's earlier ones or join them. `join` when absent. */
  rejudgeMode?: RejudgeMode;
  advancement: AdvancementRule | null;
  prizeScheme: PrizeScheme | null;
}

export interface RubricCriterion {
  code: string;
  name: string;
  maxPoints: number;
}

export interface FieldDefinition {
  code: string;
  name: string;
}

/** Everything an organiser sets for one edition: what the edition rules check and what PUT replaces. */
export interface EditionDefinition {
  number: number;
  seasonLabel: string;
  registrationOpensAt: Date;
  registrationClosesAt: Date;
  eligibility: Eligibility;
  maxAuthors: number;
  plannedEntries: number | null;
  fields: FieldDefinition[];
  rubric: RubricCriterion[];
  stages: StageDefinition[];
}
