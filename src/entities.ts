import { Contest, Edition, EditionField, RubricCriterionRow, Stage } from './contests/contest.entity';
import { AuditRecord } from './core/audit/audit.entity';
import { IdempotencyRecord } from './core/idempotency/idempotency.entity';
import { OutboxMessage } from './core/outbox/outbox.entity';
import { PasswordTokenRow } from './accounts/password-token.entity';
import { RoleGrant, User } from './accounts/user.entity';
import { DossierFile, Entry, EntryAuthor, EntryStage } from './entries/entry.entity';
import { JUDGING_ENTITIES } from './judging/judging.entity';
import { MailDelivery } from './notifications/mail-delivery.entity';
import { Advancement, PickWindow, PrizeList, PrizeListItem, PrizeListVersion } from './results/results.entity';
import { Unit, UnitLevel } from './units/unit.entity';

/** Every entity of the app, for the data source and the schema-drift check. */
export const ENTITIES = [
  UnitLevel,
  Unit,
  User,
  RoleGrant,
  Contest,
  Edition,
  EditionField,
  RubricCriterionRow,
  Stage,
  Entry,
  EntryAuthor,
  EntryStage,
  DossierFile,
  AuditRecord,
  OutboxMessage,
  IdempotencyRecord,
  ...JUDGING_ENTITIES,
  MailDelivery,
  PasswordTokenRow,
  PrizeList,
  PrizeListVersion,
  PrizeListItem,
  Advancement,
  PickWindow,
];
