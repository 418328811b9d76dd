import 'reflect-metadata';
import { Body, Controller, Inject, Module, Post, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { Pool } from 'pg';

/**
 * Ceiling (b), "the insert endpoint": Nest on Fastify, a global ValidationPipe as the app has, one
 * validated POST that does one INSERT into a scratch table through a 20-connection pool (the app's
 * size), in a process of its own. Whatever the app spends beyond this on a write is its own doing.
 */
export const SCRATCH_TABLE = 'bench_insert_ceiling';

class ItemDto {
  @IsString() @Length(1, 500) title: string;
  @IsString() @Length(1, 200) name: string;
  @IsEmail() @MaxLength(200) email: string;
}

const POOL = Symbol('pool');

@Controller('items')
class ItemsController {
  constructor(@Inject(POOL) private readonly pool: Pool) {}

  @Post()
  async create(@Body() dto: ItemDto): Promise<{ id: string }> {
    const { rows } = await this.pool.query(`INSERT INTO ${SCRATCH_TABLE} (title, name, email) VALUES ($1, $2, $3) RETURNING id`, [dto.title, dto.name, dto.email]);
    return { id: rows[0].id };
  }
}

@Module({
  controllers: [ItemsController],
  providers: [{ provide: POOL, useFactory: () => new Pool({ connectionString: process.env.DATABASE_URL, max: 20 }) }],
})
class InsertModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(InsertModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
