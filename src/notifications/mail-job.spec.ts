import { messageIdFor, parseMailPayload, smtpFailureKind } from './mail-job';
import { UndeliverableMailError } from './notifications.errors';

describe('messageIdFor', () => {
  it('gives every send of one row the same Message-ID', () => {
    const id = '5b0f4a52-1c7e-4d59-8d0c-3f1f3f0d6a11';
    expect(messageIdFor(id)).toBe(`<${id}@contest.local>`);
  });
});

describe('parseMailPayload', () => {
  const good = { kind: 'password-reset', to: 'lan@example.vn', data: { fullName: 'Lan' } };

  it('accepts the catalogue contract', () => {
    expect(parseMailPayload(good)).toEqual(good);
  });

  it.each([
    ['an unknown kind', { ...good, kind: 'no-such-mail' }, /kind must be one of/],
    ['a kind that is a path', { ...good, kind: '../secrets' }, /kind must be one of/],
    ['no recipient', { ...good, to: undefined }, /to must be/],
    ['a recipient that is not an address', { ...good, to: 'truong' }, /to must be/],
    ['a list of recipients', { ...good, to: ['lan@example.vn'] }, /to must be/],
    ['data that is a list', { ...good, data: [] }, /data must be an object/],
    ['the payload shape before the catalogue', { template: 'entry-registered', to: ['lan@example.vn'], data: {} }, /kind must be one of.*to must be/],
    ['nothing at all', null, /kind.*to must be.*data must be/],
  ])('refuses for good a payload with %s', (_, payload, reason) => {
    expect(() => parseMailPayload(payload)).toThrow(UndeliverableMailError);
    expect(() => parseMailPayload(payload)).toThrow(reason);
  });
});

describe('smtpFailureKind', () => {
  it.each([
    ['421 service not available', { responseCode: 421, code: 'EENVELOPE' }, 'transient'],
    ['451 local error', { responseCode: 451, code: 'EMESSAGE' }, 'transient'],
    ['452 mailbox full for now', { responseCode: 452 }, 'transient'],
    ['connection refused', { code: 'ECONNECTION' }, 'transient'],
    ['socket timeout', { code: 'ETIMEDOUT' }, 'transient'],
    ['DNS failure', { code: 'EDNS' }, 'transient'],
    ['an error without details', new Error('boom'), 'transient'],
    ['550 no such mailbox', { responseCode: 550, code: 'EENVELOPE' }, 'permanent'],
    ['554 transaction failed', { responseCode: 554, code: 'EMESSAGE' }, 'permanent'],
    ['535 authentication failed', { responseCode: 535, code: 'EAUTH' }, 'permanent'],
    ['an address nodemailer refuses to send to', { code: 'EENVELOPE' }, 'permanent'],
  ])('%s is %s', (_, error, kind) => {
    expect(smtpFailureKind(error)).toBe(kind);
  });
});
