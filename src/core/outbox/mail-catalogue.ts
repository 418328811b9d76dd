import type { OutboxEvent } from './outbox.service';

/**
 * Every mail the platform sends: its kind, the data its templates read, and the builder producers call. A producer
 * writes only through a builder, so the outbox payload is typed by kind and a renamed field fails to compile here
 * rather than at delivery. The templates are `templates/mail/<language>/<kind>.*.hbs`, rendered in strict mode.
 */
export const MAIL_TOPIC = 'mail';

export interface RegisteredEntryLine {
  id: string;
  title: string;
  reference: string;
}

/** One registration batch (one entry, or every entry a bulk file registered) to one contact of one school. */
export interface EntriesRegisteredData {
  schoolName: string;
  contestName: string;
  editionNumber: number;
  seasonLabel: string;
  entries: RegisteredEntryLine[];
}

/** A new account: the link sets its first password. */
export interface AccountCreatedData {
  fullName: string;
  email: string;
  /** The one-time token row; the link itself is derived at delivery, so no usable token is stored in the outbox. */
  passwordTokenId: string;
  /** ISO instant the link stops working. */
  expiresAt: string;
}

export interface PasswordResetData {
  fullName: string;
  passwordTokenId: string;
  expiresAt: string;
}

/** A judge given new entries by one assignment run (or one added to an entry by the chair). */
export interface JudgeAssignedData {
  judgeName: string;
  panelName: string;
  panelId: string;
  newEntries: number;
  /** ISO instant the scoring window closes. */
  scoringClosesAt: string;
}

/** A judge the chair asks to score an entry again; `entryLabel` is the blind number on a blind stage. */
export interface RescoreAskedData {
  judgeName: string;
  panelName: string;
  panelId: string;
  entryId: string;
  entryLabel: string;
  note: string;
  scoringClosesAt: string;
}

/** A judge with sheets still unconfirmed, some hours before the panel's scoring window closes. */
export interface ScoringReminderData {
  judgeName: string;
  panelName: string;
  panelId: string;
  /** Entries of theirs not confirmed yet. */
  unconfirmed: number;
  assigned: number;
  scoringClosesAt: string;
}

/** Where a results mail points: the contest, the season and the stage at one unit. */
export interface StageRef {
  contestName: string;
  editionNumber: number;
  seasonLabel: string;
  stageName: string;
  unitName: string;
}

/** A school's entries sent up to the next stage (or chosen for the national contest) in one confirmation. */
export interface EntriesAdvancedData extends StageRef {
  schoolName: string;
  entries: Array<{ reference: string; title: string }>;
}

/** A prize list version published with entries of the school on it. */
export interface PrizeListPublishedData extends StageRef {
  schoolName: string;
  prizeListId: string;
  version: number;
  phase: 'provisional' | 'final';
  /** ISO instant objections close (provisional lists), else null. */
  objectionEndsAt: string | null;
  awarded: number;
  publicPath: string;
}

export interface MailKinds {
  'entries-registered': EntriesRegisteredData;
  'account-created': AccountCreatedData;
  'password-reset': PasswordResetData;
  'judge-assigned': JudgeAssignedData;
  'rescore-asked': RescoreAskedData;
  'scoring-reminder': ScoringReminderData;
  'advancement-digest': EntriesAdvancedData;
  'national-selection': EntriesAdvancedData;
  'prize-list-published': PrizeListPublishedData;
}

export type MailKind = keyof MailKinds;

/** Recipients read mail in their account's language; Vietnamese for anyone without an account. */
export const MAIL_LANGUAGES = ['vi', 'en'] as const;
export type MailLanguage = (typeof MAIL_LANGUAGES)[number];

export const MAIL_KINDS: readonly MailKind[] = [
  'entries-registered',
  'account-created',
  'password-reset',
  'judge-assigned',
  'rescore-asked',
  'scoring-reminder',
  'advancement-digest',
  'national-selection',
  'prize-list-published',
];

/** The outbox payload of topic `mail`: one recipient per row, so a delivery is one (event, recipient, kind). */
export interface MailPayload<K extends MailKind = MailKind> {
  kind: K;
  to: string;
  data: MailKinds[K];
}

export interface MailEvent<K extends MailKind = MailKind> extends OutboxEvent {
  topic: typeof MAIL_TOPIC;
  payload: MailPayload<K>;
}

function mailEvent<K extends MailKind>(kind: K, eventKey: string, to: string, data: MailKinds[K]): MailEvent<K> {
  return { eventKey: `${kind}:${eventKey}`, topic: MAIL_TOPIC, payload: { kind, to, data } };
}

/**
 * The event key of the confirmation registrationMail names after the entry whose id is `entryId` (an SQL expression
 * of type uuid): the statement writing an entry tests with it whether the entry's own mail goes with it.
 */
export function registrationMailKeySql(entryId: string): string {
  return `'entries-registered:' || ${entryId}`;
}

export interface RegistrationBatch {
  contestName: string;
  edition: { number: number; seasonLabel: string };
  entries: Array<RegisteredEntryLine & { school: { id: string; name: string }; contactEmail: string }>;
}

/**
 * The confirmations of one registration batch: one mail per school and contact address listing that contact's
 * entries (a bulk file of 40 entries of one school is one mail). The event is named by the batch's first entry of
 * the group, which no later batch can register again.
 */
export function registrationMail(batch: RegistrationBatch): Array<MailEvent<'entries-registered'>> {
  const groups = new Map<string, RegistrationBatch['entries']>();
  for (const entry of batch.entries) {
    const key = `${entry.school.id}\u0000${entry.contactEmail.toLowerCase()}`;
    const group = groups.get(key);
    if (group) group.push(entry);
    else groups.set(key, [entry]);
  }
  return [...groups.values()].map((entries) => {
    const first = entries[0];
    return mailEvent('entries-registered', first.id, first.contactEmail, {
      schoolName: first.school.name,
      contestName: batch.contestName,
      editionNumber: batch.edition.number,
      seasonLabel: batch.edition.seasonLabel,
      entries: entries.map(({ id, title, reference }) => ({ id, title, reference })),
    });
  });
}

export function accountCreatedMail(user: { id: string; email: string; fullName: string }, token: { id: string; expiresAt: Date }): MailEvent<'account-created'> {
  return mailEvent('account-created', user.id, user.email, {
    fullName: user.fullName,
    email: user.email,
    passwordTokenId: token.id,
    expiresAt: token.expiresAt.toISOString(),
  });
}

export function passwordResetMail(user: { email: string; fullName: string }, token: { id: string; expiresAt: Date }): MailEvent<'password-reset'> {
  return mailEvent('password-reset', token.id, user.email, { fullName: user.fullName, passwordTokenId: token.id, expiresAt: token.expiresAt.toISOString() });
}

export interface PanelRef {
  id: string;
  name: string;
  scoringClosesAt: Date;
}

type Judge = { id: string; email: string; fullName: string };

/** To a judge given new entries by one assignment run (`runId` names the run: one mail per judge per run). */
export function judgeAssignedMail(panel: PanelRef, judge: Judge, newEntries: number, runId: string): MailEvent<'judge-assigned'> {
  return mailEvent('judge-assigned', `${panel.id}:${judge.id}:${runId}`, judge.email, {
    judgeName: judge.fullName,
    panelName: panel.name,
    panelId: panel.id,
    newEntries,
    scoringClosesAt: panel.scoringClosesAt.toISOString(),
  });
}

/** To a judge the chair asks to score an entry again (`flagId`: one mail per settled flag). */
export function rescoreAskedMail(panel: PanelRef, judge: Judge, entry: { id: string; label: string }, note: string, flagId: string): MailEvent<'rescore-asked'> {
  return mailEvent('rescore-asked', flagId, judge.email, {
    judgeName: judge.fullName,
    panelName: panel.name,
    panelId: panel.id,
    entryId: entry.id,
    entryLabel: entry.label,
    note,
    scoringClosesAt: panel.scoringClosesAt.toISOString(),
  });
}

/**
 * To a judge whose sheets are not all confirmed, before the window closing at `panel.scoringClosesAt`: one per judge
 * per closing time (a moved window gets its own reminder, a repeated sweep none).
 */
export function scoringReminderMail(panel: PanelRef, judge: Judge, counts: { unconfirmed: number; assigned: number }): MailEvent<'scoring-reminder'> {
  const closesAt = panel.scoringClosesAt.toISOString();
  return mailEvent('scoring-reminder', `${panel.id}:${judge.id}:${closesAt}`, judge.email, {
    judgeName: judge.fullName,
    panelName: panel.name,
    panelId: panel.id,
    unconfirmed: counts.unconfirmed,
    assigned: counts.assigned,
    scoringClosesAt: closesAt,
  });
}

type SchoolContacts = { id: string; name: string; emails: string[] };

/** To each contact of a school: which of its entries went up to the next stage in one confirmation (`batchKey`). */
export function advancementDigestMail(batchKey: string, school: SchoolContacts, to: StageRef, entries: EntriesAdvancedData['entries']): Array<MailEvent<'advancement-digest'>> {
  return school.emails.map((email) => mailEvent('advancement-digest', `${batchKey}:${school.id}:${email}`, email, { ...to, schoolName: school.name, entries }));
}

/** To each contact of a school: its entries chosen for the national contest. */
export function nationalSelectionMail(batchKey: string, school: SchoolContacts, to: StageRef, entries: EntriesAdvancedData['entries']): Array<MailEvent<'national-selection'>> {
  return school.emails.map((email) => mailEvent('national-selection', `${batchKey}:${school.id}:${email}`, email, { ...to, schoolName: school.name, entries }));
}

/** To each contact of a school with entries on a published version: where to read it, its phase, how many won. */
export function prizeListPublishedMail(
  versionId: string,
  school: { schoolId: string; schoolName: string; emails: string[]; awarded: number },
  list: StageRef & { prizeListId: string; version: number; phase: 'provisional' | 'final'; objectionEndsAt: Date | null },
): Array<MailEvent<'prize-list-published'>> {
  const data: PrizeListPublishedData = {
    ...list,
    objectionEndsAt: list.objectionEndsAt ? list.objectionEndsAt.toISOString() : null,
    schoolName: school.schoolName,
    awarded: school.awarded,
    publicPath: `/public/prize-lists/${list.prizeListId}?version=${list.version}`,
  };
  return school.emails.map((email) => mailEvent('prize-list-published', `${versionId}:${school.schoolId}:${email}`, email, data));
}
