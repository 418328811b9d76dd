import { QueryFailedError } from 'typeorm';
import { dependencyFailure } from './dependency-failure';

function pgError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}

describe('dependencyFailure', () => {
  it.each([
    ['the pool found no connection in time', new Error('timeout exceeded when trying to connect')],
    ['a new connection timed out', new Error('Connection terminated due to connection timeout')],
    ['the server went away mid-query', new Error('Connection terminated unexpectedly')],
    ['the server sent nothing back', new Error('Query read timeout')],
    ['the server refused the connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a statement timeout, wrapped by TypeORM', new QueryFailedError('SELECT 1', [], pgError('canceling statement due to statement timeout', '57014'))],
    ['the server is shutting down', pgError('terminating connection due to administrator command', '57P01')],
    ['the server is starting up', pgError('the database system is starting up', '57P03')],
    ['too many connections', pgError('sorry, too many clients already', '53300')],
  ])('names the database when %s', (_, error) => {
    expect(dependencyFailure(error)).toBe('database');
  });

  it.each([
    ['a command got no reply in time', new Error('Command timed out')],
    ['the connection is down', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['the connection was closed', new Error('Connection is closed.')],
  ])('names Redis when %s', (_, error) => {
    expect(dependencyFailure(error)).toBe('redis');
  });

  it.each([
    ['a constraint violation', new QueryFailedError('INSERT', [], pgError('duplicate key value violates unique constraint', '23505'))],
    ['a syntax error', pgError('syntax error at or near "SELEC"', '42601')],
    ['a serialization failure', pgError('could not serialize access', '40001')],
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['something that is not an error', 'timeout exceeded when trying to connect'],
    ['nothing', undefined],
  ])('says nothing of %s', (_, error) => {
    expect(dependencyFailure(error)).toBeUndefined();
  });

  it('looks through causes', () => {
    expect(dependencyFailure(new Error('Saving failed', { cause: new Error('Command timed out') }))).toBe('redis');
  });
});
