import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { StageReader } from '../contests/stage-reader';
import { problemOf, reason, RuleViolationError } from '../core/errors/domain-error';
import { UnitMove, UnitMoveListener, UnitMoves } from '../units/unit-moves';
import { UnitReader } from '../units/unit-reader';
import { EntriesRepository } from './entries.repository';
import { placeStageRecords } from './stage-placement';

/** Editions whose panels, conflicts of interest and rankings were set on the tree as it is. */
const IN_FLIGHT_STATES = ['judging', 'results'];
/** Editions whose entries have not started a stage yet: they start it where their school now is. */
const NOT_STARTED_STATES = ['draft', 'registration'];

/**
 * What a unit move does to entries, decided here rather than in the units domain. Entries in editions being judged
 * or awaiting results refuse the move (their panels, conflicts of interest and rankings were set on the old tree).
 * Otherwise entries follow their school: path copies are rewritten, and entries of editions still in draft or
 * registration start their first stage at the unit that now runs it. Entries of closed editions keep the stage
 * records of the seasons they ran in. Editions and the tree are read through their modules' readers.
 */
@Injectable()
export class EntriesFollowUnitMoves implements UnitMoveListener, OnModuleInit {
  constructor(
    private readonly moves: UnitMoves,
    private readonly entries: EntriesRepository,
    private readonly stages: StageReader,
    private readonly units: UnitReader,
  ) {}

  onModuleInit(): void {
    this.moves.register(this);
  }

  async unitMoved(manager: EntityManager, move: UnitMove): Promise<void> {
    const perEdition = await this.entries.countUnderByEdition(manager, move.fromPath);
    const catalogues = await this.stages.catalogues(
      perEdition.map((row) => row.editionId),
      manager,
    );
    const inFlight = new Map<string, number>();
    for (const { editionId, entries } of perEdition) {
      const edition = catalogues.get(editionId);
      if (edition && !edition.archived && IN_FLIGHT_STATES.includes(edition.state)) inFlight.set(edition.state, (inFlight.get(edition.state) ?? 0) + entries);
    }
    if (inFlight.size > 0) {
      const count = [...inFlight.values()].reduce((sum, entries) => sum + entries, 0);
      const why = reason('ENTRIES_IN_FLIGHT', { count, unitCode: move.unitCode, states: [...inFlight.keys()].sort() });
      throw new RuleViolationError('UNIT_MOVE_BLOCKED', { unitCode: move.unitCode, why }, [problemOf('parentId', why)]);
    }
    await this.entries.followMove(manager, move.fromPath, move.toPath);
    const unplaced = await this.placeNotStarted(manager, move.toPath, catalogues);
    if (unplaced > 0) {
      const why = reason('ENTRIES_UNPLACED', { count: unplaced, unitCode: move.unitCode });
      throw new RuleViolationError('UNIT_MOVE_THERE_BLOCKED', { unitCode: move.unitCode, why }, [problemOf('parentId', why)]);
    }
  }

  /** Points the stage records of editions not started yet at the units that now run them; answers how many have none. */
  private async placeNotStarted(manager: EntityManager, path: string, catalogues: Awaited<ReturnType<StageReader['catalogues']>>): Promise<number> {
    const editionIds = [...catalogues].filter(([, edition]) => NOT_STARTED_STATES.includes(edition.state)).map(([id]) => id);
    const records = await this.entries.stageRecordsUnder(manager, path, editionIds);
    const levels = new Map([...catalogues.values()].flatMap((edition) => edition.stages.map((stage) => [stage.id, stage.levelCode] as const)));
    const runners = new Map<string, Map<string, string | null>>();
    for (const level of new Set(records.map((record) => levels.get(record.stageId)).filter((level) => level !== undefined))) {
      const paths = records.filter((record) => levels.get(record.stageId) === level).map((record) => record.unitPath);
      runners.set(level, await this.units.ancestorsAt(manager, paths, level));
    }
    const placement = placeStageRecords(
      records,
      (stageId) => levels.get(stageId),
      (unitPath, level) => runners.get(level)?.get(unitPath),
    );
    await this.entries.placeStageRecords(manager, placement.moves);
    return placement.unplaced;
  }
}
