import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '../core/auth/decorators';
import { Runtime, RUNTIME } from '../core/core.module';
import { DomainError } from '../core/errors/domain-error';
import { probePostgres, probeRedis } from './probes';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  /** Both checks run at once on new connections, each bounded by HEALTH_TIMEOUT_MS, so a frozen dependency answers 503 in time. */
  @Get()
  @Public()
  @HealthCheck()
  @ApiOkResponse({ description: 'Database and Redis answer' })
  @ApiServiceUnavailableResponse({ description: 'The database or Redis does not answer; the body says which' })
  async check() {
    const timeoutMs = this.runtime.config.timeouts.healthMs;
    try {
      return await this.health.check([
        () => this.indicate('database', () => probePostgres(this.runtime.databaseUrl, timeoutMs)),
        () => this.indicate('redis', () => probeRedis(this.runtime.redisUrl, timeoutMs)),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const report = error.getResponse() as { error?: Record<string, unknown>; details?: Record<string, unknown> };
      throw new DomainError('SERVICE_UNAVAILABLE', `Not answering: ${Object.keys(report.error ?? {}).join(', ')}`, report.details);
    }
  }

  private async indicate(name: string, probe: () => Promise<void>) {
    const indicator = this.indicators.check(name);
    try {
      await probe();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
