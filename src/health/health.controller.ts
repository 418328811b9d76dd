import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../core/auth/decorators';
import { Runtime, RUNTIME } from '../core/core.module';
import { DomainError } from '../core/errors/domain-error';
import { HealthView, ProbeView } from './dto/health.dto';
import { probePostgres, probeRedis } from './probes';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  /**
   * Both checks run at once on new connections, each bounded by HEALTH_TIMEOUT_MS. Without the database nothing
   * works: 503. Without Redis the API still serves and writes mail to the outbox, which goes out once Redis is
   * back: 200, `degraded`, so a load balancer keeps the API in service.
   */
  @Get()
  @ApiOperation({ summary: 'Check that the API, database and Redis answer' })
  @Public()
  @ApiOkResponse({ type: HealthView, description: '`ok`, or `degraded` while Redis is down (queued work waits in the outbox; logins answer 503)' })
  @ApiServiceUnavailableResponse({ description: 'The database does not answer; the body says so' })
  async check(): Promise<HealthView> {
    const timeoutMs = this.runtime.config.timeouts.healthMs;
    const [database, redis] = await Promise.all([probe(() => probePostgres(this.runtime.databaseUrl, timeoutMs)), probe(() => probeRedis(this.runtime.redisUrl, timeoutMs))]);
    if (redis.status === 'down') redis.impact = 'queue degraded: mail and jobs wait in the outbox until Redis returns; logins answer 503';
    const details = { database, redis };
    if (database.status === 'down') {
      const down = Object.entries(details)
        .filter(([, value]) => value.status === 'down')
        .map(([name]) => name);
      throw new DomainError('SERVICE_UNAVAILABLE', 'NOT_READY', { services: down }, details);
    }
    return { status: redis.status === 'up' ? 'ok' : 'degraded', details };
  }
}

async function probe(check: () => Promise<void>): Promise<ProbeView> {
  try {
    await check();
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', message: (error as Error).message };
  }
}
