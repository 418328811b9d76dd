/**
 * Every access decision of judging, in one place: the policy (core/access/policy.ts) says which permission each
 * route needs and who holds it; this file is the `assigned` kind for panels (a seat on the panel), which only
 * judging's tables can answer. Who reaches a panel:
 * - its organisers: organisers of the panel's unit or a unit above it (administrators everywhere);
 * - its members: the judges and the chair on it now (a removed member reaches nothing);
 * - a judge reaches an entry only through an active sheet of theirs (the entries assigned to them);
 * - the chair settles, reopens and closes; organisers form, staff and assign.
 * Anything else answers 404, exactly as a missing panel or entry.
 * The decisions are here; the SQL that applies them (a seat on a panel, an organiser's area) is JudgingRepository's.
 * The one exception to "in one place": a judge's draft save, the hot path of scoring, checks the same seat and
 * active sheet inside the one statement that writes it (JudgingRepository.saveDrafts).
 */
import { Permission, reaches } from '../core/access/policy';
import { Actor } from '../core/auth/actor';
import { NotFoundError } from '../core/errors/domain-error';
import type { JudgingRepository, PanelStanding } from './judging.repository';
import { MemberRole, Panel, ScoreSheet } from './judging.entity';
import type { EntityManager } from 'typeorm';

/** What the caller wants to do with a panel, from the least to the most particular standing. */
export type PanelAction =
  /** read the panel itself: organisers and members */
  | 'view'
  /** progress and scores before closing: organisers and the chair */
  | 'oversee'
  /** form, staff, assign: organisers */
  | 'organise'
  /** settle flags, reopen sheets, close and reopen the panel: the chair */
  | 'chair'
  /** score: the judges */
  | 'judge';

export type Lock = 'share' | 'update';

/** Who reaches a panel for an action: its organisers (if `organisers`), and the members seated now in one of `roles`. */
export interface PanelReach {
  organisers: boolean;
  roles: MemberRole[];
}

const REACH: Record<PanelAction, PanelReach> = {
  organise: { organisers: true, roles: [] },
  chair: { organisers: false, roles: ['chair'] },
  judge: { organisers: false, roles: ['judge'] },
  oversee: { organisers: true, roles: ['chair'] },
  view: { organisers: true, roles: ['chair', 'judge'] },
};

/** Who may do `action` with a panel. */
export function panelReach(action: PanelAction): PanelReach {
  return REACH[action];
}

/** Whether the actor may form panels at the unit at `unitPath`: they organise it or a unit above it. */
export function organisesUnit(actor: Actor, unitPath: string): boolean {
  return reaches(actor.grants, Permission.PanelManage, unitPath);
}

/** The panel if the actor may do `action` with it, optionally locked; 404 otherwise. */
export async function panelFor(repo: JudgingRepository, manager: EntityManager, actor: Actor, panelId: string, action: PanelAction, lock?: Lock): Promise<Panel> {
  const panel = await repo.reachablePanel(manager, actor, panelId, panelReach(action), lock);
  if (!panel) throw new NotFoundError('Panel');
  return panel;
}

/** Whether the actor may read every judge's scores: organisers and the chair always, judges once the panel closed. */
export function seesAllScores(standing: PanelStanding, panel: Panel): boolean {
  return standing.organiser || standing.role === 'chair' || (standing.role === 'judge' && panel.state === 'closed');
}

/**
 * The actor's own active sheet for an entry of a panel they judge (the entry is assigned to them), optionally
 * locked; 404 for any other entry, as if it did not exist.
 */
export async function assignedSheet(repo: JudgingRepository, manager: EntityManager, actor: Actor, panelId: string, entryId: string, lock?: Lock): Promise<ScoreSheet> {
  const sheet = await repo.assignedSheet(manager, actor, panelId, entryId, lock);
  if (!sheet) throw new NotFoundError('Entry');
  return sheet;
}
