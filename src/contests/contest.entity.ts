import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import { decimal } from '../core/database/columns';
import type { EditionState } from './edition-lifecycle';
import type { AdvancementRule, Aggregation, ContestKind, Eligibility, PrizeScheme, RejudgeMode } from './edition.types';

@Entity('contests')
@Check('contests_kind_check', `kind IN ('youth', 'technical')`)
export class Contest {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') kind: ContestKind;
  @Column('text') name: string;
  /**
   * A foreign key by table name, not a relation: contests reads its unit through the units module's UnitReader
   * (and scope conditions through `units.path`), never by loading the units domain's entity.
   */
  @Index('contests_unit_idx')
  @ForeignKey('units', { name: 'contests_unit_fkey', onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'unit_id' })
  unitId: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

@Entity('editions')
@Unique('editions_contest_number_key', ['contestId', 'number'])
@Check('editions_state_check', `state IN ('draft', 'registration', 'judging', 'results', 'closed')`)
@Check('editions_window_check', `registration_closes_at > registration_opens_at`)
@Check('editions_max_authors_check', `max_authors >= 1`)
export class Edition {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'contest_id' }) contestId: string;
  @ManyToOne(() => Contest, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'contest_id' })
  contest?: Contest;
  /** Its unit, read through UnitReader as the contest's is. */
  @Index('editions_unit_idx')
  @ForeignKey('units', { name: 'editions_unit_fkey', onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'unit_id' })
  unitId: string;
  @Column('int') number: number;
  @Column('text', { name: 'season_label' }) seasonLabel: string;
  @Column('timestamptz', { name: 'registration_opens_at' }) registrationOpensAt: Date;
  @Column('timestamptz', { name: 'registration_closes_at' }) registrationClosesAt: Date;
  @Column('jsonb') eligibility: Eligibility;
  @Column('int', { name: 'max_authors' }) maxAuthors: number;
  @Column('int', { name: 'planned_entries', nullable: true }) plannedEntries: number | null;
  @Column('int', { default: 1 }) version: number;
  @Column('text', { default: 'draft' }) state: EditionState;
  /** Set when an organiser archived a wrong edition: it stays readable and nothing changes it any more. */
  @Column('timestamptz', { name: 'archived_at', nullable: true }) archivedAt: Date | null;
  @Column('text', { name: 'archive_reason', nullable: true }) archiveReason: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

@Entity('edition_fields')
// Unique without case, as codes are matched: `pm` finds the field PM.
@Index('edition_fields_edition_code_key', { synchronize: false })
export class EditionField {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'edition_id' }) editionId: string;
  @ManyToOne(() => Edition, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'edition_id' })
  edition?: Edition;
  @Column('int') position: number;
  @Column('text') code: string;
  @Column('text') name: string;
}

@Entity('rubric_criteria')
@Unique('rubric_criteria_edition_code_key', ['editionId', 'code'])
@Check('rubric_criteria_points_check', `max_points > 0`)
export class RubricCriterionRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'edition_id' }) editionId: string;
  @ManyToOne(() => Edition, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'edition_id' })
  edition?: Edition;
  @Column('int') position: number;
  @Column('text') code: string;
  @Column('text') name: string;
  @Column('numeric', { name: 'max_points', precision: 6, scale: 2, transformer: decimal }) maxPoints: number;
}

@Entity('stages')
@Unique('stages_edition_position_key', ['editionId', 'position'])
@Unique('stages_edition_level_key', ['editionId', 'levelCode'])
@Check('stages_aggregation_check', `aggregation IN ('mean', 'trimmed_mean')`)
@Check('stages_judges_check', `judges_per_entry >= 0`)
@Check('stages_rejudge_mode_check', `rejudge_mode IN ('replace', 'join')`)
export class Stage {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'edition_id' }) editionId: string;
  @ManyToOne(() => Edition, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'edition_id' })
  edition?: Edition;
  /** 1 for the first (lowest) stage. */
  @Column('int') position: number;
  @Column('text') name: string;
  /** A unit level's code; the ladder is read through UnitReader.levels. */
  @ForeignKey('unit_levels', { name: 'FK_stages_level', onDelete: 'RESTRICT' })
  @Column('text', { name: 'level_code' })
  levelCode: string;
  @Column('boolean') judged: boolean;
  @Column('int', { name: 'judges_per_entry' }) judgesPerEntry: number;
  @Column('text') aggregation: Aggregation;
  @Column('numeric', { name: 'discrepancy_spread', precision: 6, scale: 2, nullable: true, transformer: decimal }) discrepancySpread: number | null;
  @Column('jsonb', { name: 'tie_break', default: () => "'[]'" }) tieBreak: string[];
  @Column('boolean', { default: false }) blind: boolean;
  @Column('boolean', { name: 'normalise_bias', default: false }) normaliseBias: boolean;
  @Column('text', { name: 'rejudge_mode', default: 'join' }) rejudgeMode: RejudgeMode;
  @Column('jsonb', { nullable: true }) advancement: AdvancementRule | null;
  @Column('jsonb', { name: 'prize_scheme', nullable: true }) prizeScheme: PrizeScheme | null;
  /**
   * Set (by judging, through `StageScores`) when the stage's first score is confirmed: from then on its rubric,
   * judges per entry and aggregation are what the scores mean. Contests reads the flag, never judging's tables.
   */
  @Column('timestamptz', { name: 'scores_locked_at', nullable: true }) scoresLockedAt: Date | null;
}
