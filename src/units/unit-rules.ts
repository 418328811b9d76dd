/** The shape rules of the unit tree, shared by single edits and file imports. No framework imports. */
import { Reason, reason } from '../core/errors/domain-error';
import { invisibleCharacter, SAFE_CODE } from '../core/text';

export const UNIT_CODE_MAX = 64;
export const UNIT_NAME_MAX = 200;
/** Codes are identifiers people type and files carry: the same ASCII-only rule as a unit created in the app. */
export const UNIT_CODE_PATTERN = SAFE_CODE;

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
export function placementProblem({ level, active, parent }: Placement): Reason | null {
  if (!parent) return level.rank === 0 ? null : reason('ROOT_NEEDS_RANK_0', { level: level.name });
  if (parent.level.isLeaf) return reason('PARENT_IS_LEAF', { parentCode: parent.code, parentLevel: parent.level.name });
  if (level.rank <= parent.level.rank) {
    return reason('PARENT_RANK_TOO_LOW', { level: level.name, rank: level.rank, parentCode: parent.code, parentLevel: parent.level.name, parentRank: parent.level.rank });
  }
  if (active && parent.retired) return reason('PARENT_RETIRED', { parentCode: parent.code });
  return null;
}

/** Why a unit code is unusable, or null. */
export function codeProblem(code: string): Reason | null {
  if (code === '') return reason('FIELD_EMPTY', {});
  if (code.length > UNIT_CODE_MAX) return reason('TOO_LONG', { max: UNIT_CODE_MAX });
  if (!UNIT_CODE_PATTERN.test(code)) return reason('CODE_CHARACTERS', {});
  return null;
}

/** Why a unit name is unusable, or null. */
export function nameProblem(name: string): Reason | null {
  if (name === '') return reason('FIELD_EMPTY', {});
  if (name.length > UNIT_NAME_MAX) return reason('TOO_LONG', { max: UNIT_NAME_MAX });
  const invisible = invisibleCharacter(name);
  if (invisible) return reason('INVISIBLE_CHARACTERS', { found: invisible });
  return null;
}

/** The ids along a materialised path, root first: `/a/b/c/` → [a, b, c]. */
export function pathIds(path: string): string[] {
  return path.split('/').filter(Boolean);
}

/** Unit codes are unique and matched without case (`st-ks-03` is ST-KS-03), as the database's lower(code) index keeps them. */
export function codeKey(code: string): string {
  return code.toLowerCase();
}

/** Whether `candidate` is the unit at `path` or lies under it. */
export function isWithin(candidatePath: string, path: string): boolean {
  return candidatePath.startsWith(path);
}
