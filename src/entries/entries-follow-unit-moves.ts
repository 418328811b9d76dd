import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { problemOf, reason, RuleViolationError } from '../core/errors/domain-error';
import { UnitMove, UnitMoveListener, UnitMoves } from '../units/unit-moves';
import { EntriesRepository } from './entries.repository';

/**
 * What a unit move does to entries, decided here rather than in the units domain. Entries in editions being judged
 * or awaiting results refuse the move (their panels, conflicts of interest and rankings were set on the old tree).
 * Otherwise entries follow their school: path copies are rewritten, and entries of editions still in draft or
 * registration start their first stage at the unit that now runs it. Entries of closed editions keep the stage
 * records of the seasons they ran in.
 */
@Injectable()
export class EntriesFollowUnitMoves implements UnitMoveListener, OnModuleInit {
  constructor(
    private readonly moves: UnitMoves,
    private readonly entries: EntriesRepository,
  ) {}

  onModuleInit(): void {
    this.moves.register(this);
  }

  async unitMoved(manager: EntityManager, move: UnitMove): Promise<void> {
    const inFlight = await this.entries.inFlightUnder(manager, move.fromPath);
    if (inFlight.length > 0) {
      const count = inFlight.reduce((sum, row) => sum + row.entries, 0);
      const why = reason('ENTRIES_IN_FLIGHT', { count, unitCode: move.unitCode, states: inFlight.map((row) => row.state) });
      throw new RuleViolationError('UNIT_MOVE_BLOCKED', { unitCode: move.unitCode, why }, [problemOf('parentId', why)]);
    }
    await this.entries.followMove(manager, move.fromPath, move.toPath);
    const unplaced = await this.entries.replaceFirstStageUnits(manager, move.toPath);
    if (unplaced > 0) {
      const why = reason('ENTRIES_UNPLACED', { count: unplaced, unitCode: move.unitCode });
      throw new RuleViolationError('UNIT_MOVE_THERE_BLOCKED', { unitCode: move.unitCode, why }, [problemOf('parentId', why)]);
    }
  }
}
