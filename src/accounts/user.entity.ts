import { Check, Column, ForeignKey, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

@Entity('users')
@Check('users_language_check', `language IN ('vi', 'en')`)
export class User {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index('users_email_key', { unique: true })
  @Column('text')
  email: string;
  @Column('text', { name: 'full_name' }) fullName: string;
  @Column('text', { name: 'password_hash', select: false }) passwordHash: string;
  @Column('boolean', { default: true }) active: boolean;
  /** Part of every token; raising it revokes all tokens issued before. */
  @Column('integer', { name: 'token_version', default: 0 }) tokenVersion: number;
  /** The language of the mail the user receives. */
  @Column('text', { default: 'vi' }) language: 'vi' | 'en';
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

@Entity('role_grants')
@Check('role_grants_role_check', `role IN ('admin', 'organiser', 'school', 'organisation', 'judge', 'chair')`)
@Unique('role_grants_user_role_unit_key', ['userId', 'role', 'unitId'])
export class RoleGrant {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index('role_grants_user_idx')
  @Column('uuid', { name: 'user_id' })
  userId: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;
  @Column('text') role: string;
  @Index('role_grants_unit_idx')
  @Column('uuid', { name: 'unit_id' })
  @ForeignKey('units', { name: 'role_grants_unit_fkey', onDelete: 'RESTRICT' })
  unitId: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
