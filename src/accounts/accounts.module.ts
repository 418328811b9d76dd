import { Module } from '@nestjs/common';
import { UnitsModule } from '../units/units.module';
import { ACTOR_RESOLVER } from '../core/auth/actor';
import { AuthController, UsersController } from './accounts.controller';
import { AccountReader } from './account-reader';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { PasswordLinksService } from './password-links.service';

@Module({
  imports: [UnitsModule],
  controllers: [AuthController, UsersController],
  providers: [AccountsService, AccountsRepository, AccountReader, PasswordLinksService, { provide: ACTOR_RESOLVER, useExisting: AccountsService }],
  exports: [AccountsService, AccountReader, ACTOR_RESOLVER],
})
export class AccountsModule {}
