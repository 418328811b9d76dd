import { Check, Column, ForeignKey, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

export type EntryStatus = 'registered' | 'withdrawn';

@Entity('entries')
@Check('entries_status_check', `status IN ('registered', 'withdrawn')`)
@Index('entries_search_key_trgm_idx', { synchronize: false })
@Unique('entries_edition_unit_reference_key', ['editionId', 'unitId', 'reference'])
@Index('entries_unit_path_idx', ['unitPath'])
@Index('entries_list_idx', { synchronize: false })
export class Entry {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'edition_id' })
  @ForeignKey('editions', { name: 'entries_edition_fkey', onDelete: 'RESTRICT' })
  editionId: string;
  /** The school or organisation that registered the entry. */
  @ForeignKey('units', { name: 'entries_unit_fkey', onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'unit_id' })
  unitId: string;
  /** Copy of the unit's path at registration, so scope filters need no join. */
  @Column('text', { name: 'unit_path' }) unitPath: string;
  @Index('entries_field_idx')
  @Column('uuid', { name: 'field_id' })
  @ForeignKey('edition_fields', { name: 'entries_field_fkey', onDelete: 'RESTRICT' })
  fieldId: string;
  /** The school's own reference for the entry; a re-uploaded file matches rows by it. */
  @Column('text') reference: string;
  @Column('text') title: string;
  @Column('text') summary: string;
  @Column('text', { name: 'contact_name' }) contactName: string;
  @Column('text', { name: 'contact_email' }) contactEmail: string;
  @Column('text', { name: 'contact_phone', nullable: true }) contactPhone: string | null;
  /** Technical contest: year the solution was created. */
  @Column('int', { name: 'created_year', nullable: true }) createdYear: number | null;
  @Column('text', { default: 'registered' }) status: EntryStatus;
  /** Title, reference and authors without case or diacritics, for search. */
  @Column('text', { name: 'search_key' }) searchKey: string;
  @Column('int', { default: 1 }) version: number;
  /** The furthest stage the entry reached and the unit running it there, as its stage records say (EntryStage). */
  @Column('uuid', { name: 'current_stage_id', nullable: true }) currentStageId: string | null;
  @Column('uuid', { name: 'current_stage_unit_id', nullable: true }) currentStageUnitId: string | null;
  @ForeignKey('users', { name: 'FK_entries_created_by', onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

@Entity('entry_authors')
@Unique('entry_authors_entry_position_key', ['entryId', 'position'])
export class EntryAuthor {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'entry_id' }) entryId: string;
  @ManyToOne(() => Entry, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'entry_id' })
  entry?: Entry;
  @Column('int') position: number;
  @Column('text', { name: 'full_name' }) fullName: string;
  @Column('date', { name: 'birth_date', nullable: true }) birthDate: string | null;
  /** Class for pupils, job title for workers. */
  @Column('text', { name: 'class_or_job', nullable: true }) classOrJob: string | null;
}

/** An entry's presence in one stage, at the unit that runs that stage for it. */
@Entity('entry_stages')
@Unique('entry_stages_entry_stage_key', ['entryId', 'stageId'])
@Index('entry_stages_stage_unit_idx', ['stageId', 'unitId'])
export class EntryStage {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'entry_id' }) entryId: string;
  @ManyToOne(() => Entry, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'entry_id' })
  entry?: Entry;
  @ForeignKey('stages', { name: 'entry_stages_stage_fkey', onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'stage_id' })
  stageId: string;
  @ForeignKey('units', { name: 'entry_stages_unit_fkey', onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'unit_id' })
  unitId: string;
  @CreateDateColumn({ name: 'entered_at', type: 'timestamptz' }) enteredAt: Date;
}

@Entity('dossier_files')
export class DossierFile {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index('dossier_files_entry_idx')
  @Column('uuid', { name: 'entry_id' })
  entryId: string;
  @ManyToOne(() => Entry, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'entry_id' })
  entry?: Entry;
  @Column('text', { name: 'original_name' }) originalName: string;
  @Column('text', { name: 'media_type' }) mediaType: string;
  @Column('int', { name: 'size_bytes' }) sizeBytes: number;
  @Column('text') sha256: string;
  /** Path relative to the upload directory. */
  @Column('text', { name: 'storage_key' }) storageKey: string;
  @ForeignKey('users', { name: 'FK_dossier_files_uploaded_by', onDelete: 'RESTRICT' })
  @Column('uuid', { name: 'uploaded_by' })
  uploadedBy: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
