import { Module } from '@nestjs/common';
import { ACTOR_RESOLVER } from '../core/auth/actor';
import { AuthController, UsersController } from './accounts.controller';
import { AccountsService } from './accounts.service';

@Module({
  controllers: [AuthController, UsersController],
  providers: [AccountsService, { provide: ACTOR_RESOLVER, useExisting: AccountsService }],
  exports: [AccountsService, ACTOR_RESOLVER],
})
export class AccountsModule {}
