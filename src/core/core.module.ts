import { createSecretKey } from 'node:crypto';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import type IORedis from 'ioredis';
import { JwtModule } from '@nestjs/jwt';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { AccessService } from './access/access.service';
import { ActorCache } from './auth/actor-cache';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { APP_CONFIG, AppConfig, RouteClass } from './config/config';
import { dataSourceOptions } from './database/data-source';
import { LIST_DATABASE, RouteClassDatabase, routeClassSource } from './database/route-class';
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

const ROUTE_CLASSES: RouteClass[] = ['lists'];

/**
 * A route class's own pool: its size and statement timeout, the app's connect and idle-transaction limits. Its
 * statements prepared once per connection (see preparedQuery) are planned for each call's values unless they ask
 * for one plan whatever the values (preparedQuery's `plan`, entries' planFor): a list's scope is a path prefix
 * (`LIKE $1`), which only a plan made for its value reads as a range of the list index; a plan made without it would
 * walk the whole edition for a province late in index order.
 */
function routeClassPool(runtime: Runtime, entities: Function[], routeClass: RouteClass): DynamicModule {
  const { poolSize, statementMs } = runtime.config.routeClasses[routeClass];
  const timeouts = { ...runtime.config.timeouts, databaseStatementMs: statementMs };
  const options = dataSourceOptions(runtime.databaseUrl, entities, [], timeouts, poolSize);
  return TypeOrmModule.forRoot({ ...options, extra: { ...options.extra, options: '-c plan_cache_mode=force_custom_plan' }, name: routeClassSource(routeClass) });
}

function routeClassDatabase(token: symbol, routeClass: RouteClass, runtime: Runtime): Provider {
  return {
    provide: token,
    useFactory: (source: DataSource) => new RouteClassDatabase(source, runtime.config.routeClasses[routeClass]),
    inject: [getDataSourceToken(routeClassSource(routeClass))],
  };
}

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
        ...ROUTE_CLASSES.map((routeClass) => routeClassPool(runtime, entities, routeClass)),
        // A key object made once: given the string, jsonwebtoken would build one on every request.
        JwtModule.register({ secret: createSecretKey(Buffer.from(runtime.config.jwtSecret)), signOptions: { expiresIn: runtime.config.jwtTtlSeconds } }),
        BullModule.forRoot({ connection: queueConnection(runtime.redisUrl), prefix: runtime.config.redisPrefix }),
      ],
      controllers: [AuditController],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: APP_CONFIG, useValue: runtime.config },
        { provide: REDIS, useFactory: () => requestRedis(runtime.redisUrl, runtime.config.timeouts) },
        AccessService,
        ActorCache,
        AuditService,
        OutboxService,
        RateLimiter,
        routeClassDatabase(LIST_DATABASE, 'lists', runtime),
      ],
      exports: [RUNTIME, APP_CONFIG, REDIS, AccessService, ActorCache, AuditService, OutboxService, RateLimiter, JwtModule, BullModule, LIST_DATABASE],
    };
  }
}
