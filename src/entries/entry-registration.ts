import { EntityManager } from 'typeorm';
import { Stage } from '../contests/contest.entity';
import { NotFoundError, RuleViolationError } from '../core/errors/domain-error';
import type { OutboxEvent } from '../core/outbox/outbox.service';
import { Unit } from '../units/unit.entity';

/** The ids on a materialised path `/<root id>/…/<own id>/`, root first. */
export function pathIds(unitPath: string): string[] {
  return unitPath.split('/').filter((id) => id.length > 0);
}

/**
 * Where a new entry of a school starts: the edition's first stage and the unit that runs it for
 * that school (the school itself or its ancestor at the stage's level), found in one query.
 */
export async function firstStagePlacement(manager: EntityManager, editionId: string, schoolUnitPath: string): Promise<{ stageId: string; unitId: string }> {
  const stage = await manager.findOne(Stage, { where: { editionId, position: 1 }, select: { id: true, levelCode: true, name: true } });
  if (!stage) throw new NotFoundError('First stage of the edition');
  const ids = pathIds(schoolUnitPath);
  const unit =
    ids.length === 0
      ? null
      : await manager
          .createQueryBuilder(Unit, 'u')
          .select(['u.id'])
          .where('u.id IN (:...ids)', { ids })
          .andWhere('u.levelCode = :level', { level: stage.levelCode })
          .orderBy('u.depth', 'DESC')
          .getOne();
  if (!unit) {
    throw new RuleViolationError(`No unit at level "${stage.levelCode}" runs the stage "${stage.name}" for this school`, [
      { field: 'unitId', reason: `the school has no ancestor at level "${stage.levelCode}"` },
    ]);
  }
  return { stageId: stage.id, unitId: unit.id };
}

/** The registration confirmation to the entry's contact, sent once per entry. */
export function registrationMail(
  entry: { id: string; title: string; reference: string },
  school: { name: string },
  edition: { seasonLabel: string; number: number },
  contestName: string,
  to: string,
): OutboxEvent {
  return {
    eventKey: `entry-registered:${entry.id}`,
    topic: 'mail',
    payload: {
      template: 'entry-registered',
      to: [to],
      data: {
        entryTitle: entry.title,
        reference: entry.reference,
        schoolName: school.name,
        contestName,
        seasonLabel: edition.seasonLabel,
        editionNumber: edition.number,
        entryId: entry.id,
      },
    },
  };
}
