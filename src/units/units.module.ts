import { Module } from '@nestjs/common';
import { UnitLevelsController, UnitsController } from './units.controller';
import { UnitsRepository } from './units.repository';
import { UnitMoves } from './unit-moves';
import { UnitReader } from './unit-reader';
import { UnitsService } from './units.service';

@Module({
  controllers: [UnitLevelsController, UnitsController],
  providers: [UnitsService, UnitsRepository, UnitMoves, UnitReader],
  exports: [UnitsService, UnitMoves, UnitReader],
})
export class UnitsModule {}
