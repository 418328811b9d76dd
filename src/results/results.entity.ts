import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, ObjectType, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { User } from '../accounts/user.entity';
import { Stage } from '../contests/contest.entity';
import { Entry } from '../entries/entry.entity';
import { Unit } from '../units/unit.entity';

/** A foreign key on the id column it names, restricting deletes unless told otherwise: every relation here is one. */
function refersTo<T>(target: () => ObjectType<T>, column: string, onDelete: 'RESTRICT' | 'CASCADE' = 'RESTRICT'): PropertyDecorator {
  return (prototype, property) => {
    ManyToOne(target, { onDelete })(prototype, property);
    JoinColumn({ name: column })(prototype, property);
  };
}

/** The prize list of one stage at one unit; it exists from its first publication on. */
/** A published version is provisional during its objection window, then final. */
export type PrizeListPhase = 'provisional' | 'final';

@Entity('prize_lists')
@Unique('prize_lists_stage_unit_key', ['stageId', 'unitId'])
export class PrizeList {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'stage_id' }) stageId: string;
  @refersTo(() => Stage, 'stage_id')
  stage?: Stage;
  @Column('uuid', { name: 'unit_id' }) unitId: string;
  @refersTo(() => Unit, 'unit_id')
  unit?: Unit;
  @Column('text', { name: 'unit_path' }) unitPath: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

/** One published version; never updated nor deleted (a database trigger refuses it). */
@Entity('prize_list_versions')
@Unique('prize_list_versions_list_version_key', ['prizeListId', 'version'])
@Check('prize_list_versions_phase_check', `phase IN ('provisional', 'final')`)
export class PrizeListVersion {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'prize_list_id' }) prizeListId: string;
  @refersTo(() => PrizeList, 'prize_list_id')
  prizeList?: PrizeList;
  @Column('int') version: number;
  @Column('text') phase: PrizeListPhase;
  /** Provisional versions: objections are heard until then. */
  @Column('timestamptz', { name: 'objection_ends_at', nullable: true }) objectionEndsAt: Date | null;
  /** Why a correction was published; null for the first version and a finalisation. */
  @Column('text', { nullable: true }) reason: string | null;
  @Column('uuid', { name: 'published_by' }) publishedBy: string;
  @refersTo(() => User, 'published_by')
  publisher?: User;
  @CreateDateColumn({ name: 'published_at', type: 'timestamptz' }) publishedAt: Date;
  /** Each level's quota, awards and carried quota, as allocation decided them. */
  @Column('jsonb') levels: unknown;
}

/** One entry of a published version, as it was shown: immutable with its version. */
@Entity('prize_list_items')
@Index('prize_list_items_entry_idx', ['entryId'])
export class PrizeListItem {
  @PrimaryColumn('uuid', { name: 'version_id' }) versionId: string;
  @refersTo(() => PrizeListVersion, 'version_id')
  prizeListVersion?: PrizeListVersion;
  @PrimaryColumn('uuid', { name: 'entry_id' }) entryId: string;
  @refersTo(() => Entry, 'entry_id')
  entry?: Entry;
  @Column('int') position: number;
  @Column('int', { nullable: true }) rank: number | null;
  @Column('numeric', { precision: 7, scale: 3, nullable: true }) score: string | null;
  @Column('text', { name: 'prize_code', nullable: true }) prizeCode: string | null;
  @Column('text', { name: 'prize_name', nullable: true }) prizeName: string | null;
  @Column('bigint', { name: 'prize_money', default: 0 }) prizeMoney: string;
  @Column('text', { name: 'field_code' }) fieldCode: string;
  @Column('text', { name: 'field_name' }) fieldName: string;
  @Column('text') reference: string;
  @Column('text') title: string;
  @Column('text') authors: string;
  @Column('text', { name: 'school_name' }) schoolName: string;
  @Column('text', { name: 'district_name', nullable: true }) districtName: string | null;
  /** The allocation's decisions about this entry (rank, minimum, quota used and left, tie group). */
  @Column('jsonb') reason: unknown;
}

/** An entry moved from one stage to the next: who moved it, by which rule, with its score there. */
@Entity('advancements')
@Unique('advancements_entry_stage_key', ['entryId', 'toStageId'])
@Index('advancements_from_idx', ['fromStageId', 'fromUnitId'])
export class Advancement {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'entry_id' }) entryId: string;
  @refersTo(() => Entry, 'entry_id', 'CASCADE')
  entry?: Entry;
  @Column('uuid', { name: 'from_stage_id' }) fromStageId: string;
  @refersTo(() => Stage, 'from_stage_id')
  fromStage?: Stage;
  @Column('uuid', { name: 'from_unit_id' }) fromUnitId: string;
  @refersTo(() => Unit, 'from_unit_id')
  fromUnit?: Unit;
  @Column('uuid', { name: 'to_stage_id' }) toStageId: string;
  @refersTo(() => Stage, 'to_stage_id')
  toStage?: Stage;
  @Column('uuid', { name: 'to_unit_id' }) toUnitId: string;
  @refersTo(() => Unit, 'to_unit_id')
  toUnit?: Unit;
  @Column('numeric', { precision: 7, scale: 3, nullable: true }) score: string | null;
  @Column('int', { nullable: true }) rank: number | null;
  /** pick, top_n, threshold or top_percent. */
  @Column('text') rule: string;
  @Column('uuid', { name: 'actor_id' }) actorId: string;
  @refersTo(() => User, 'actor_id')
  actor?: User;
  @CreateDateColumn({ name: 'advanced_at', type: 'timestamptz' }) advancedAt: Date;
}

/** When schools under a unit may pick their entries for the next stage (an unjudged first stage). */
@Entity('pick_windows')
@Unique('pick_windows_stage_unit_key', ['stageId', 'unitId'])
@Check('pick_windows_order_check', `closes_at > opens_at`)
export class PickWindow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'stage_id' }) stageId: string;
  @refersTo(() => Stage, 'stage_id', 'CASCADE')
  stage?: Stage;
  @Column('uuid', { name: 'unit_id' }) unitId: string;
  @refersTo(() => Unit, 'unit_id')
  unit?: Unit;
  @Column('text', { name: 'unit_path' }) unitPath: string;
  @Column('timestamptz', { name: 'opens_at' }) opensAt: Date;
  @Column('timestamptz', { name: 'closes_at' }) closesAt: Date;
  @Column('uuid', { name: 'set_by' }) setBy: string;
  @refersTo(() => User, 'set_by')
  setter?: User;
}
