import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A notification to deliver, written in the same transaction as the change that caused it. */
@Entity('outbox')
@Index('outbox_pending_idx', ['createdAt'], { where: 'enqueued_at IS NULL' })
// The lost-mail sweep reads undelivered rows by when they were enqueued; retention deletes delivered rows by age.
@Index('outbox_undelivered_idx', ['enqueuedAt'], { where: 'delivered_at IS NULL' })
@Index('outbox_delivered_idx', ['deliveredAt'], { where: 'delivered_at IS NOT NULL' })
export class OutboxMessage {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** One event, one message: a repeat of the same event key is dropped. */
  @Index('outbox_event_key_key', { unique: true })
  @Column('text', { name: 'event_key' })
  eventKey: string;
  @Column('text') topic: string;
  @Column('jsonb') payload: Record<string, unknown>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz', { name: 'enqueued_at', nullable: true }) enqueuedAt: Date | null;
  @Column('timestamptz', { name: 'delivered_at', nullable: true }) deliveredAt: Date | null;
  @Column('int', { default: 0 }) attempts: number;
  @Column('text', { name: 'last_error', nullable: true }) lastError: string | null;
  /** Times an administrator sent it again after it failed for good; part of its job id. */
  @Column('int', { default: 0 }) requeues: number;
  /** The job that carries it, once enqueued: several rows of a topic may share one. */
  @Column('text', { name: 'job_id', nullable: true }) jobId: string | null;
}
