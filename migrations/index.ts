import { InitialSchema1795427000000 } from './1795427000000-InitialSchema';
import { UserTokenVersion1796000400000 } from './1796000400000-UserTokenVersion';
import { IdempotencyLease1796000500000 } from './1796000500000-IdempotencyLease';
import { EditionLifecycle1796001000000 } from './1796001000000-EditionLifecycle';
import { MailDeliveries1796002300000 } from './1796002300000-MailDeliveries';
import { OrganisationRole1796002500000 } from './1796002500000-OrganisationRole';
import { DomainSeams1796003000000 } from './1796003000000-DomainSeams';
import { JudgingPanels1796004000000 } from './1796004000000-JudgingPanels';
import { Results1796005000000 } from './1796005000000-Results';
import { EntryCurrentStage1796007100000 } from './1796007100000-EntryCurrentStage';
import { EntryListIndex1796006100000 } from './1796006100000-EntryListIndex';
import { OutboxJobId1796006300000 } from './1796006300000-OutboxJobId';
import { JudgingRounds1796006400000 } from './1796006400000-JudgingRounds';
import { JudgingPins1796006700000 } from './1796006700000-JudgingPins';
import { OutboxNotify1796006900000 } from './1796006900000-OutboxNotify';
import { OutboxWakeAfterCommit1796007000000 } from './1796007000000-OutboxWakeAfterCommit';

/** Every migration, in order. Append new ones; never edit one that has shipped. */
export const MIGRATIONS: Function[] = [
  InitialSchema1795427000000,
  UserTokenVersion1796000400000,
  IdempotencyLease1796000500000,
  EditionLifecycle1796001000000,
  MailDeliveries1796002300000,
  OrganisationRole1796002500000,
  DomainSeams1796003000000,
  JudgingPanels1796004000000,
  Results1796005000000,
  EntryListIndex1796006100000,
  OutboxJobId1796006300000,
  JudgingRounds1796006400000,
  JudgingPins1796006700000,
  OutboxNotify1796006900000,
  OutboxWakeAfterCommit1796007000000,
  EntryCurrentStage1796007100000,
];
