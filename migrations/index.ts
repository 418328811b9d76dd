import { InitialSchema1795427000000 } from './1795427000000-InitialSchema';
import { UserTokenVersion1796000400000 } from './1796000400000-UserTokenVersion';
import { IdempotencyLease1796000500000 } from './1796000500000-IdempotencyLease';
import { EditionLifecycle1796001000000 } from './1796001000000-EditionLifecycle';

/** Every migration, in order. Append new ones; never edit one that has shipped. */
export const MIGRATIONS: Function[] = [InitialSchema1795427000000, UserTokenVersion1796000400000, IdempotencyLease1796000500000, EditionLifecycle1796001000000];
