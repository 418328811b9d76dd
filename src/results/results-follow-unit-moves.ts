import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { UnitMove, UnitMoveListener, UnitMoves } from '../units/unit-moves';
import { ResultsRepository } from './results.repository';

/**
 * Prize lists and pick windows keep the path of their unit for scope checks: when the unit's subtree moves (only
 * possible once no edition under it is being judged or awaiting results), the copies follow it, or an organiser
 * of the new parent would not reach the lists of seasons past.
 */
@Injectable()
export class ResultsFollowUnitMoves implements UnitMoveListener, OnModuleInit {
  constructor(
    private readonly moves: UnitMoves,
    private readonly repo: ResultsRepository,
  ) {}

  onModuleInit(): void {
    this.moves.register(this);
  }

  async unitMoved(manager: EntityManager, move: UnitMove): Promise<void> {
    await this.repo.followUnitMove(manager, move.fromPath, move.toPath);
  }
}
