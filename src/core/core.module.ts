import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type IORedis from 'ioredis';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MIGRATIONS } from '../../migrations';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { APP_CONFIG, AppConfig } from './config/config';
import { dataSourceOptions } from './database/data-source';
import { OutboxService } from './outbox/outbox.service';
import { RateLimiter } from './rate-limit';
import { REDIS, requestRedis, queueConnection } from './redis';

/** Resolved addresses of the services the app talks to (embedded ones already started). */
export interface Runtime {
  config: AppConfig;
  databaseUrl: string;
  redisUrl: string;
  smtpUrl: string;
}
export const RUNTIME = Symbol('RUNTIME');

@Global()
@Module({})
export class CoreModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: IORedis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** `entities` come from the app: core knows no domain. */
  static forRoot(runtime: Runtime, entities: Function[]): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        TypeOrmModule.forRoot(dataSourceOptions(runtime.databaseUrl, entities, MIGRATIONS, runtime.config.timeouts)),
        JwtModule.register({ secret: runtime.config.jwtSecret, signOptions: { expiresIn: runtime.config.jwtTtlSeconds } }),
        BullModule.forRoot({ connection: queueConnection(runtime.redisUrl), prefix: runtime.config.redisPrefix }),
      ],
      controllers: [AuditController],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: APP_CONFIG, useValue: runtime.config },
        { provide: REDIS, useFactory: () => requestRedis(runtime.redisUrl, runtime.config.timeouts) },
        AuditService,
        OutboxService,
        RateLimiter,
      ],
      exports: [RUNTIME, APP_CONFIG, REDIS, AuditService, OutboxService, RateLimiter, JwtModule, BullModule],
    };
  }
}
