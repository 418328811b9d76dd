import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One Idempotency-Key of one user. While `response_status` is null the key is held by the request that
 * claimed it (`lease_id`) until `locked_until`; `committed_at` is set by that request's own transaction,
 * so a key whose change committed is never run again, even if its answer could not be stored.
 */
@Entity('idempotency_keys')
@Index('idempotency_keys_created_idx', ['createdAt'])
export class IdempotencyRecord {
  @PrimaryColumn('uuid', { name: 'user_id' }) userId: string;
  @PrimaryColumn('text') key: string;
  @Column('text', { name: 'request_hash' }) requestHash: string;
  @Column('int', { name: 'response_status', nullable: true }) responseStatus: number | null;
  @Column('jsonb', { name: 'response_body', nullable: true }) responseBody: unknown;
  @Column('uuid', { name: 'lease_id', nullable: true }) leaseId: string | null;
  @Column('timestamptz', { name: 'locked_until', default: () => 'now()' }) lockedUntil: Date;
  @Column('timestamptz', { name: 'committed_at', nullable: true }) committedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
