import { Check, Column, ForeignKey, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, ObjectType, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * A foreign key to another results table on the id column it names, restricting deletes unless told otherwise.
 * Keys to other domains' tables name the table (@ForeignKey): results reads them through their readers, never by
 * loading their entities.
 */
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
  @ForeignKey('stages', { onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'stage_id' })
  stageId: string;
  @ForeignKey('units', { onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'unit_id' })
  unitId: string;
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
  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'published_by' })
  publishedBy: string;
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
  @ForeignKey('entries', { onDelete: 'RESTRICT' })
  @PrimaryColumn('uuid', { name: 'entry_id' })
  entryId: string;
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
  @ForeignKey('entries', { onDelete: 'CASCADE' })
  @Column('uuid', { name: 'entry_id' })
  entryId: string;
  @ForeignKey('stages', { onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'from_stage_id' })
  fromStageId: string;
  @ForeignKey('units', { onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'from_unit_id' })
  fromUnitId: string;
  @ForeignKey('stages', { onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'to_stage_id' })
  toStageId: string;
  @ForeignKey('units', { onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'to_unit_id' })
  toUnitId: string;
  @Column('numeric', { precision: 7, scale: 3, nullable: true }) score: string | null;
  @Column('int', { nullable: true }) rank: number | null;
  /** pick, top_n, threshold or top_percent. */
  @Column('text') rule: string;
  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'actor_id' })
  actorId: string;
  @CreateDateColumn({ name: 'advanced_at', type: 'timestamptz' }) advancedAt: Date;
}

/** When schools under a unit may pick their entries for the next stage (an unjudged first stage). */
@Entity('pick_windows')
@Unique('pick_windows_stage_unit_key', ['stageId', 'unitId'])
@Check('pick_windows_order_check', `closes_at > opens_at`)
export class PickWindow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @ForeignKey('stages', { onDelete: 'CASCADE' })
  @Column('uuid', { name: 'stage_id' })
  stageId: string;
  @ForeignKey('units', { onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'unit_id' })
  unitId: string;
  @Column('text', { name: 'unit_path' }) unitPath: string;
  @Column('timestamptz', { name: 'opens_at' }) opensAt: Date;
  @Column('timestamptz', { name: 'closes_at' }) closesAt: Date;
  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'set_by' })
  setBy: string;
}
