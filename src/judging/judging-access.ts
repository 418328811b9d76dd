/**
 * Every access decision of judging, in one place: the policy (core/access/policy.ts) says which permission each
 * route needs and who holds it; this file is the `assigned` kind for panels (a seat on the panel), which only
 * judging's tables can answer. Who reaches a panel:
 * - its organisers: organisers of the panel's unit or a unit above it (administrators everywhere);
 * - its members: the judges and the chair on it now (a removed member reaches nothing);
 * - a judge reaches an entry only through an active sheet of theirs (the entries assigned to them);
 * - the chair settles, reopens and closes; organisers form, staff and assign.
 * Anything else answers 404, exactly as a missing panel or entry.
 * The one exception to "in one place": a judge's draft save, the hot path of scoring, checks the same seat and
 * active sheet inside the one statement that writes it (JudgingRepository.saveDraft).
 */
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { accessCondition, Condition, Permission, reaches } from '../core/access/policy';
import { Actor } from '../core/auth/actor';
import { NotFoundError } from '../core/errors/domain-error';
import { MemberRole, Panel, ScoreSheet } from './judging.entity';

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

/** Whether the actor may form panels at the unit at `unitPath`: they organise it or a unit above it. */
export function organisesUnit(actor: Actor, unitPath: string): boolean {
  return reaches(actor.grants, Permission.PanelManage, unitPath);
}

/** Panels (alias `alias`, columns of `judging_panels`) at or under a unit the actor organises. */
export function organisedPanels(alias: string, actor: Actor): Condition {
  return accessCondition(actor.grants, Permission.PanelManage, { path: `${alias}.unit_path` }, 'organisedPanel');
}

/** Rows whose panel (id in column `panelId`) the actor sits on now in one of `roles`. */
export function memberPanels(panelId: string, actor: Actor, roles: MemberRole[]): Condition {
  return [
    `EXISTS (SELECT 1 FROM panel_members pm WHERE pm.panel_id = ${panelId} AND pm.user_id = :memberUserId AND pm.removed_at IS NULL AND pm.role IN (:...memberRoles))`,
    { memberUserId: actor.userId, memberRoles: roles },
  ];
}

function either([a, pa]: Condition, [b, pb]: Condition): Condition {
  return [`((${a}) OR (${b}))`, { ...pa, ...pb }];
}

export function panelCondition(alias: string, actor: Actor, action: PanelAction): Condition {
  switch (action) {
    case 'organise':
      return organisedPanels(alias, actor);
    case 'chair':
      return memberPanels(`${alias}.id`, actor, ['chair']);
    case 'judge':
      return memberPanels(`${alias}.id`, actor, ['judge']);
    case 'oversee':
      return either(organisedPanels(alias, actor), memberPanels(`${alias}.id`, actor, ['chair']));
    case 'view':
      return either(organisedPanels(alias, actor), memberPanels(`${alias}.id`, actor, ['chair', 'judge']));
  }
}

function locked<T extends object>(qb: SelectQueryBuilder<T>, lock: Lock | undefined): SelectQueryBuilder<T> {
  if (lock === 'update') qb.setLock('pessimistic_write');
  if (lock === 'share') qb.setLock('pessimistic_read');
  return qb;
}

/** The panel if the actor may do `action` with it, optionally locked; 404 otherwise. */
export async function panelFor(manager: EntityManager, actor: Actor, panelId: string, action: PanelAction, lock?: Lock): Promise<Panel> {
  const qb = manager
    .createQueryBuilder(Panel, 'p')
    .where('p.id = :panelId', { panelId })
    .andWhere(...panelCondition('p', actor, action));
  const panel = await locked(qb, lock).getOne();
  if (!panel) throw new NotFoundError('Panel');
  return panel;
}

/** The actor's standing on a panel they may view: organiser, chair and/or judge. */
export async function standingOn(manager: EntityManager, actor: Actor, panel: Panel): Promise<{ organiser: boolean; role: MemberRole | null }> {
  const [scope, params] = organisedPanels('p', actor);
  const rows: Array<{ organiser: boolean; role: MemberRole | null }> = await manager
    .createQueryBuilder(Panel, 'p')
    .select(`(${scope})`, 'organiser')
    .addSelect('(SELECT pm.role FROM panel_members pm WHERE pm.panel_id = p.id AND pm.user_id = :me AND pm.removed_at IS NULL)', 'role')
    .where('p.id = :panelId', { panelId: panel.id, me: actor.userId, ...params })
    .getRawMany();
  return { organiser: Boolean(rows[0]?.organiser), role: rows[0]?.role ?? null };
}

/** Whether the actor may read every judge's scores: organisers and the chair always, judges once the panel closed. */
export function seesAllScores(standing: { organiser: boolean; role: MemberRole | null }, panel: Panel): boolean {
  return standing.organiser || standing.role === 'chair' || (standing.role === 'judge' && panel.state === 'closed');
}

/**
 * The actor's own active sheet for an entry of a panel they judge (the entry is assigned to them), optionally
 * locked; 404 for any other entry, as if it did not exist.
 */
export async function assignedSheet(manager: EntityManager, actor: Actor, panelId: string, entryId: string, lock?: Lock): Promise<ScoreSheet> {
  const [member, params] = memberPanels('s.panel_id', actor, ['judge']);
  const qb = manager
    .createQueryBuilder(ScoreSheet, 's')
    .where('s.panel_id = :panelId AND s.entry_id = :entryId AND s.judge_id = :judgeId AND s.active', { panelId, entryId, judgeId: actor.userId })
    .andWhere(member, params);
  const sheet = await locked(qb, lock).getOne();
  if (!sheet) throw new NotFoundError('Entry');
  return sheet;
}
