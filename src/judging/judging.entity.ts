import { Check, Column, ForeignKey, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import { decimal } from '../core/database/columns';

export type PanelState = 'open' | 'closed';
export type MemberRole = 'judge' | 'chair';
export type SheetStatus = 'assigned' | 'draft' | 'confirmed';
export type FlagSettlement = 'accepted' | 'rescore' | 'add_judge';

/** A panel scores the entries of one stage at one unit, in one or several fields. */
@Entity('judging_panels')
@Check('judging_panels_state_check', `state IN ('open', 'closed')`)
@Check('judging_panels_window_check', `scoring_closes_at > scoring_opens_at`)
@Check('judging_panels_fields_check', `cardinality(field_ids) > 0`)
@Check('judging_panels_step_check', `score_step > 0`)
@Check('judging_panels_reminder_check', `reminder_lead_hours BETWEEN 1 AND 720`)
@Index('judging_panels_reminder_due_idx', ['scoringClosesAt'], { where: `state = 'open'` })
@Index('judging_panels_stage_unit_idx', ['stageId', 'unitId'])
export class Panel {
  @PrimaryGeneratedColumn('uuid') id: string;
  @ForeignKey('stages', { name: 'FK_judging_panels_stage', onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'stage_id' })
  stageId: string;
  @ForeignKey('units', { name: 'FK_judging_panels_unit', onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'unit_id' })
  unitId: string;
  /** Copy of the unit's path, so scope filters need no join. */
  @Column('text', { name: 'unit_path' }) unitPath: string;
  @Column('text') name: string;
  @Column('uuid', { name: 'field_ids', array: true }) fieldIds: string[];
  @Column('timestamptz', { name: 'scoring_opens_at' }) scoringOpensAt: Date;
  @Column('timestamptz', { name: 'scoring_closes_at' }) scoringClosesAt: Date;
  @Column('numeric', { name: 'score_step', precision: 4, scale: 2, default: () => '0.5', transformer: decimal }) scoreStep: number;
  /** Judges with unconfirmed sheets are reminded this many hours before scoring closes. */
  @Column('int', { name: 'reminder_lead_hours', default: 24 }) reminderLeadHours: number;
  /** The closing time the last reminder was sent for: a moved window gets its own reminder, a reminder is sent once per closing time. */
  @Column('timestamptz', { name: 'reminded_for', nullable: true }) remindedFor: Date | null;
  @Column('text', { default: 'open' }) state: PanelState;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt: Date | null;
  @Column('int', { default: 1 }) version: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

/** A judge or the chair of a panel; removal keeps the row (and the judge's confirmed sheets) on record. */
@Entity('panel_members')
@Check('panel_members_role_check', `role IN ('judge', 'chair')`)
@Unique('panel_members_panel_user_key', ['panelId', 'userId'])
@Index('panel_members_one_chair_key', ['panelId'], { unique: true, where: `role = 'chair' AND removed_at IS NULL` })
@Index('panel_members_user_idx', ['userId'])
export class PanelMember {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'panel_id' }) panelId: string;
  @ManyToOne(() => Panel, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'panel_id', foreignKeyConstraintName: 'FK_panel_members_panel' })
  panel?: Panel;
  @ForeignKey('users', { name: 'FK_panel_members_user', onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'user_id' })
  userId: string;
  @Column('text') role: MemberRole;
  @ForeignKey('units', { name: 'FK_panel_members_affiliation', onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'affiliation_unit_id', nullable: true })
  affiliationUnitId: string | null;
  @Column('text', { name: 'field_codes', array: true, default: () => "'{}'" }) fieldCodes: string[];
  @Column('timestamptz', { name: 'removed_at', nullable: true }) removedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

/** A conflict of interest recorded by the organiser (relative, supervisor, other) or declared by the judge. */
@Entity('judging_conflicts')
@Check('judging_conflicts_kind_check', `kind IN ('relative', 'supervisor', 'declared', 'other')`)
@Unique('judging_conflicts_panel_judge_entry_key', ['panelId', 'judgeId', 'entryId'])
export class JudgingConflict {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'panel_id' }) panelId: string;
  @ManyToOne(() => Panel, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'panel_id', foreignKeyConstraintName: 'FK_judging_conflicts_panel' })
  panel?: Panel;
  @ForeignKey('users', { name: 'FK_judging_conflicts_judge', onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'judge_id' })
  judgeId: string;
  @ForeignKey('entries', { name: 'FK_judging_conflicts_entry', onDelete: 'CASCADE' })
  @Column('uuid', { name: 'entry_id' })
  entryId: string;
  @Column('text') kind: string;
  @Column('text', { nullable: true }) note: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

/** A judge the organiser pinned to an entry of the panel: the assignment keeps them among the entry's judges. */
@Entity('judging_pins')
export class JudgingPin {
  @PrimaryColumn('uuid', { name: 'panel_id', primaryKeyConstraintName: 'PK_judging_pins' }) panelId: string;
  @ManyToOne(() => Panel, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'panel_id', foreignKeyConstraintName: 'FK_judging_pins_panel' })
  panel?: Panel;
  @ForeignKey('entries', { name: 'FK_judging_pins_entry', onDelete: 'CASCADE' })
  @PrimaryColumn('uuid', { name: 'entry_id', primaryKeyConstraintName: 'PK_judging_pins' })
  entryId: string;
  @ForeignKey('users', { name: 'FK_judging_pins_judge', onDelete: 'RESTRICT' })
  @PrimaryColumn('uuid', { name: 'judge_id', primaryKeyConstraintName: 'PK_judging_pins' })
  judgeId: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

/**
 * One judge's sheet for one entry: exists from assignment on. `active` false once the pair no longer holds
 * (judge removed, conflict declared): the sheet stays on record and stops counting.
 */
@Entity('score_sheets')
@Check('score_sheets_status_check', `status IN ('assigned', 'draft', 'confirmed')`)
@Check('score_sheets_total_check', `total >= 0`)
@Check('score_sheets_round_check', `round >= 1`)
@Unique('score_sheets_panel_entry_judge_key', ['panelId', 'entryId', 'judgeId'])
@Index('score_sheets_panel_judge_idx', ['panelId', 'judgeId'])
@Index('score_sheets_entry_idx', ['entryId'])
export class ScoreSheet {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'panel_id' }) panelId: string;
  @ManyToOne(() => Panel, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'panel_id', foreignKeyConstraintName: 'FK_score_sheets_panel' })
  panel?: Panel;
  @ForeignKey('entries', { name: 'FK_score_sheets_entry', onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'entry_id' })
  entryId: string;
  @ForeignKey('users', { name: 'FK_score_sheets_judge', onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'judge_id' })
  judgeId: string;
  @Column('text', { default: 'assigned' }) status: SheetStatus;
  @Column('boolean', { default: true }) active: boolean;
  /** 1 for the panel's assignment; one more for each cusp re-judging of the entry. */
  @Column('int', { default: 1 }) round: number;
  /** Points by rubric criterion code, exact decimals as the judge typed them. */
  @Column('jsonb', { default: () => "'{}'" }) points: Record<string, number>;
  @Column('numeric', { precision: 7, scale: 2, nullable: true, transformer: decimal }) total: number | null;
  @Column('text', { nullable: true }) comment: string | null;
  @Column('int', { default: 1 }) version: number;
  @Column('timestamptz', { name: 'confirmed_at', nullable: true }) confirmedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

/** An entry whose judges' totals differ by more than the stage's spread, until the chair settles it. */
@Entity('score_flags')
@Check('score_flags_status_check', `status IN ('open', 'settled')`)
@Check('score_flags_settlement_check', `settlement IN ('accepted', 'rescore', 'add_judge')`)
@Index('score_flags_one_open_key', ['panelId', 'entryId'], { unique: true, where: `status = 'open'` })
export class ScoreFlag {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'panel_id' }) panelId: string;
  @ManyToOne(() => Panel, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'panel_id', foreignKeyConstraintName: 'FK_score_flags_panel' })
  panel?: Panel;
  @ForeignKey('entries', { name: 'FK_score_flags_entry', onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'entry_id' })
  entryId: string;
  @Column('text', { default: 'open' }) status: 'open' | 'settled';
  @Column('numeric', { precision: 7, scale: 2, transformer: decimal }) spread: number;
  @CreateDateColumn({ name: 'raised_at', type: 'timestamptz' }) raisedAt: Date;
  @Column('timestamptz', { name: 'settled_at', nullable: true }) settledAt: Date | null;
  @Column('uuid', { name: 'settled_by', nullable: true }) settledBy: string | null;
  @Column('text', { nullable: true }) settlement: FlagSettlement | null;
  @Column('text', { nullable: true }) note: string | null;
}

export const JUDGING_ENTITIES = [Panel, PanelMember, JudgingConflict, JudgingPin, ScoreSheet, ScoreFlag];
