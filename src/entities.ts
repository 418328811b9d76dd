import { Contest, Edition, EditionField, RubricCriterionRow, Stage } from './contests/contest.entity';
import { AuditRecord } from './core/audit/audit.entity';
import { IdempotencyRecord } from './core/idempotency/idempotency.entity';
import { OutboxMessage } from './core/outbox/outbox.entity';
import { RoleGrant, User } from './accounts/user.entity';
import { DossierFile, Entry, EntryAuthor, EntryStage } from './entries/entry.entity';
import { Unit, UnitLevel } from './units/unit.entity';

/** Every entity of the app, for the data source and the schema-drift check. */
export const ENTITIES = [
  UnitLevel, Unit, User, RoleGrant, Contest, Edition, EditionField, RubricCriterionRow, Stage,
  Entry, EntryAuthor, EntryStage, DossierFile, AuditRecord, OutboxMessage, IdempotencyRecord,
];
