import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** A subtree that changed place: every path that started with `fromPath` now starts with `toPath`. */
export interface UnitMove {
  unitId: string;
  unitCode: string;
  fromPath: string;
  toPath: string;
}

/** A higher domain that keeps copies of unit paths and must follow a move in the same transaction, or refuse it by throwing. */
export interface UnitMoveListener {
  unitMoved(manager: EntityManager, move: UnitMove): Promise<void>;
}

/**
 * The seam through which the unit tree tells the domains above it that a subtree moved. The units domain never
 * reads or writes their tables; they register here (entries does, for its path copies and first-stage units).
 */
@Injectable()
export class UnitMoves {
  private readonly listeners: UnitMoveListener[] = [];

  register(listener: UnitMoveListener): void {
    this.listeners.push(listener);
  }

  async moved(manager: EntityManager, move: UnitMove): Promise<void> {
    for (const listener of this.listeners) await listener.unitMoved(manager, move);
  }
}
