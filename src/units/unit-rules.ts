/** The shape rules of the unit tree, shared by single edits and file imports. No framework imports. */

export const UNIT_CODE_MAX = 64;
export const UNIT_NAME_MAX = 200;
/** Codes are identifiers people type and files carry: no blanks inside. */
export const UNIT_CODE_PATTERN = /^\S+$/;

export interface LevelRule {
  code: string;
  name: string;
  rank: number;
  isLeaf: boolean;
}

export interface Placement {
  /** Level of the unit being placed. */
  level: LevelRule;
  /** Whether the unit being placed is active (new units are). */
  active: boolean;
  /** The parent it would sit under, or null for a root. */
  parent: { code: string; level: LevelRule; retired: boolean } | null;
}

/**
 * Why a unit may not sit where asked, or null when it may. Ranks grow strictly downwards, so a
 * tree that obeys this rule on every edge can hold no cycle.
 */
export function placementProblem({ level, active, parent }: Placement): string | null {
  if (!parent) return level.rank === 0 ? null : `a ${level.name} needs a parent unit: only rank-0 levels may be roots`;
  if (parent.level.isLeaf) return `${parent.code} is a ${parent.level.name}, which cannot have units under it`;
  if (level.rank <= parent.level.rank) {
    return `a ${level.name} (rank ${level.rank}) cannot sit under ${parent.code}, a ${parent.level.name} (rank ${parent.level.rank}): the parent's rank must be lower`;
  }
  if (active && parent.retired) return `${parent.code} is retired: restore it first`;
  return null;
}

/** Why a unit code is unusable, or null. */
export function codeProblem(code: string): string | null {
  if (code === '') return 'must not be empty';
  if (code.length > UNIT_CODE_MAX) return `must be at most ${UNIT_CODE_MAX} characters`;
  if (!UNIT_CODE_PATTERN.test(code)) return 'must not contain blanks';
  return null;
}

/** Why a unit name is unusable, or null. */
export function nameProblem(name: string): string | null {
  if (name === '') return 'must not be empty';
  if (name.length > UNIT_NAME_MAX) return `must be at most ${UNIT_NAME_MAX} characters`;
  return null;
}

/** The ids along a materialised path, root first: `/a/b/c/` → [a, b, c]. */
export function pathIds(path: string): string[] {
  return path.split('/').filter(Boolean);
}

/** Whether `candidate` is the unit at `path` or lies under it. */
export function isWithin(candidatePath: string, path: string): boolean {
  return candidatePath.startsWith(path);
}
