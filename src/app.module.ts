import { DynamicModule, Module } from '@nestjs/common';
import type { RouteOptions } from 'fastify';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AccountsModule } from './accounts/accounts.module';
import { ContestsModule } from './contests/contests.module';
import { AuthGuard } from './core/auth/auth.guard';
import { CoreModule, Runtime } from './core/core.module';
import { ErrorFilter } from './core/errors/error.filter';
import { IdempotencyInterceptor } from './core/idempotency/idempotency.interceptor';
import { EntriesModule } from './entries/entries.module';
import { ENTITIES } from './entities';
import { HealthModule } from './health/health.module';
import { JudgingModule } from './judging/judging.module';
import { NotificationsModule } from './notifications/notifications.module';
import { ResultsModule } from './results/results.module';
import { UnitsModule } from './units/units.module';

export interface AppOptions {
  /** Serve HTTP routes. */
  api: boolean;
  /** Run queue workers and the outbox relay in this process. */
  workers: boolean;
  /** Sees every HTTP route as Fastify registers it (Nest's, Swagger's, plugins'): tests hold the real route table to account. */
  onRoute?: (route: RouteOptions) => void;
}

@Module({})
export class AppModule {
  static forRoot(runtime: Runtime, options: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(runtime, ENTITIES),
        UnitsModule,
        AccountsModule,
        ContestsModule,
        EntriesModule,
        JudgingModule,
        NotificationsModule.forRoot({ ...options, devMailbox: options.api && !runtime.config.smtpUrl, host: runtime.config.host }),
        HealthModule,
        ResultsModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_FILTER, useClass: ErrorFilter },
      ],
    };
  }
}
