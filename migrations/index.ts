import { InitialSchema1795427000000 } from './1795427000000-InitialSchema';
import { EditionLifecycle1796001000000 } from './1796001000000-EditionLifecycle';

/** Every migration, in order. Append new ones; never edit one that has shipped. */
export const MIGRATIONS: Function[] = [InitialSchema1795427000000, EditionLifecycle1796001000000];
