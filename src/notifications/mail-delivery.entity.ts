import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

export type DeliveryStatus = 'pending' | 'sent' | 'failed';

/**
 * One mail to one recipient for one event: a retried, duplicated or requeued job finds the row sent and sends
 * nothing. An advisory lock on it is held while the mail is handed to SMTP, so two workers never send it side by side.
 */
@Entity('mail_deliveries')
@Unique('mail_deliveries_event_recipient_kind_key', ['eventKey', 'recipient', 'kind'])
@Check('mail_deliveries_status_check', `status IN ('pending', 'sent', 'failed')`)
@Index('mail_deliveries_status_idx', ['status', 'id'])
export class MailDelivery {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index('mail_deliveries_outbox_idx')
  @Column('uuid', { name: 'outbox_id' })
  outboxId: string;
  @Column('text', { name: 'event_key' }) eventKey: string;
  @Column('text') recipient: string;
  @Column('text') kind: string;
  @Column('text', { default: 'pending' }) status: DeliveryStatus;
  @Column('int', { default: 0 }) attempts: number;
  @Column('text', { name: 'last_error', nullable: true }) lastError: string | null;
  @Column('timestamptz', { name: 'sent_at', nullable: true }) sentAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
