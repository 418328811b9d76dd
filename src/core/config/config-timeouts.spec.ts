import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config';

const dataDir = () => mkdtempSync(join(tmpdir(), 'contest-config-'));

describe('dependency timeouts in the configuration', () => {
  it('has defaults that bound every wait', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).timeouts).toEqual({
      databaseStatementMs: 15000,
      databaseConnectMs: 5000,
      databaseIdleInTransactionMs: 60000,
      redisCommandMs: 2000,
      redisConnectMs: 5000,
      healthMs: 1500,
    });
  });

  it('takes them from the environment', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), DATABASE_STATEMENT_TIMEOUT_MS: '30000', REDIS_COMMAND_TIMEOUT_MS: '750', HEALTH_TIMEOUT_MS: '2000' });
    expect(config.timeouts).toMatchObject({ databaseStatementMs: 30000, redisCommandMs: 750, healthMs: 2000 });
  });

  it('refuses a timeout that is zero, negative or not a number, naming the variable', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), DATABASE_STATEMENT_TIMEOUT_MS: '0', REDIS_COMMAND_TIMEOUT_MS: 'soon', DATABASE_CONNECT_TIMEOUT_MS: '-5' })).toThrow(
      /DATABASE_STATEMENT_TIMEOUT_MS must be a whole number from 100[\s\S]*DATABASE_CONNECT_TIMEOUT_MS[\s\S]*REDIS_COMMAND_TIMEOUT_MS/,
    );
  });
});
