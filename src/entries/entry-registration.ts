import { EntityManager } from 'typeorm';
import { Stage } from '../contests/contest.entity';
import { NotFoundError, RuleViolationError } from '../core/errors/domain-error';
import type { OutboxEvent } from '../core/outbox/outbox.service';

export interface Placement {
  stageId: string;
  unitId: string;
}

/**
 * Where new entries of these schools start: the edition's first stage and, per school path, the unit that
 * runs it for that school (the school itself or its ancestor at the stage's level). Two queries however
 * many schools a bulk file names.
 */
export async function firstStagePlacements(manager: EntityManager, editionId: string, schoolUnitPaths: string[]): Promise<Map<string, Placement>> {
  const stage = await manager.findOne(Stage, { where: { editionId, position: 1 }, select: { id: true, levelCode: true, name: true } });
  if (!stage) throw new NotFoundError('First stage of the edition');
  const paths = [...new Set(schoolUnitPaths)];
  const rows: Array<{ path: string; unit_id: string | null }> = await manager.query(
    `SELECT p.path, runner.id AS unit_id
       FROM unnest($1::text[]) AS p(path)
       LEFT JOIN LATERAL (
         SELECT u.id FROM units u
          WHERE u.id = ANY (string_to_array(btrim(p.path, '/'), '/')::uuid[]) AND u.level_code = $2
          ORDER BY u.depth DESC LIMIT 1
       ) runner ON TRUE`,
    [paths, stage.levelCode],
  );
  if (rows.some((row) => !row.unit_id)) {
    throw new RuleViolationError(`No unit at level "${stage.levelCode}" runs the stage "${stage.name}" for this school`, [
      { field: 'unitId', reason: `the school has no ancestor at level "${stage.levelCode}"` },
    ]);
  }
  return new Map(rows.map((row) => [row.path, { stageId: stage.id, unitId: row.unit_id! }]));
}

export async function firstStagePlacement(manager: EntityManager, editionId: string, schoolUnitPath: string): Promise<Placement> {
  return (await firstStagePlacements(manager, editionId, [schoolUnitPath])).get(schoolUnitPath)!;
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
