import { InitialSchema1795427000000 } from './1795427000000-InitialSchema';
import { IdempotencyLease1796000500000 } from './1796000500000-IdempotencyLease';

/** Every migration, in order. Append new ones; never edit one that has shipped. */
export const MIGRATIONS: Function[] = [InitialSchema1795427000000, IdempotencyLease1796000500000];
