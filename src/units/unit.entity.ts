import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A level of the unit tree (nation, province, district, school…): data, so ladders can differ by era. */
@Entity('unit_levels')
export class UnitLevel {
  @PrimaryColumn('text') code: string;
  @Column('text') name: string;
  /** 0 for the nation; deeper levels have larger ranks. Stages climb by strictly decreasing rank. */
  @Column('int') rank: number;
  /** Leaf levels (school, organisation) register entries. */
  @Column('boolean', { name: 'is_leaf', default: false }) isLeaf: boolean;
}

@Entity('units')
@Index('units_search_key_trgm_idx', { synchronize: false })
// Codes are unique and matched without case: `st-ks` and `ST-KS` are one unit.
@Index('units_code_key', { synchronize: false })
@Index('units_path_idx', ['path'])
export class Unit {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') code: string;
  @Column('text') name: string;
  @Column('text', { name: 'search_key' }) searchKey: string;
  @Column('text', { name: 'level_code' }) levelCode: string;
  @ManyToOne(() => UnitLevel, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'level_code' })
  level?: UnitLevel;
  @Index('units_parent_idx')
  @Column('uuid', { name: 'parent_id', nullable: true })
  parentId: string | null;
  @ManyToOne(() => Unit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_id', foreignKeyConstraintName: 'units_parent_fkey' })
  parent?: Unit;
  /** Materialised path of ids, `/<root id>/…/<own id>/`: a subtree is a prefix match on an indexed column. */
  @Column('text') path: string;
  @Column('int') depth: number;
  @Column('timestamptz', { name: 'retired_at', nullable: true }) retiredAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
