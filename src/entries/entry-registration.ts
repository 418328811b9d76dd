import { EntityManager } from 'typeorm';
import { EditionRepository, FirstStage } from '../contests/edition.repository';
import type { Actor } from '../core/auth/actor';
import type { AuditService } from '../core/audit/audit.service';
import { NotFoundError, problem, RuleViolationError } from '../core/errors/domain-error';
import { registrationMail, registrationMailKeySql } from '../core/outbox/mail-catalogue';
import type { OutboxService } from '../core/outbox/outbox.service';
import { UnitsRepository } from '../units/units.repository';
import { type EntriesRepository, entryWritten, everyEntryWritten, type NewEntry } from './entries.repository';
import type { EntryDraft } from './entry-draft';

export interface Placement {
  stageId: string;
  stageName: string;
  unitId: string;
}

/**
 * Where new entries of these schools start: the edition's first stage and, per school path, the unit that
 * runs it for that school (the school itself or its ancestor at the stage's level), read through the contests and
 * units repositories. Two queries however many schools a bulk file names.
 */
export async function firstStagePlacements(manager: EntityManager, editionId: string, schoolUnitPaths: string[]): Promise<Map<string, Placement>> {
  return placementsIn(manager, await new EditionRepository().firstStage(manager, editionId), schoolUnitPaths);
}

export async function firstStagePlacement(manager: EntityManager, editionId: string, schoolUnitPath: string): Promise<Placement> {
  return (await firstStagePlacements(manager, editionId, [schoolUnitPath])).get(schoolUnitPath)!;
}

/** One school's place in a first stage already read: no query when the school runs that stage itself. */
export async function schoolPlacement(manager: EntityManager, stage: FirstStage | null, school: { id: string; path: string; levelCode: string }): Promise<Placement> {
  if (stage && school.levelCode === stage.levelCode) return { stageId: stage.id, stageName: stage.name, unitId: school.id };
  return (await placementsIn(manager, stage, [school.path])).get(school.path)!;
}

async function placementsIn(manager: EntityManager, stage: FirstStage | null, schoolUnitPaths: string[]): Promise<Map<string, Placement>> {
  if (!stage) throw new NotFoundError('First stage of the edition');
  const runners = await new UnitsRepository(manager.connection).ancestorsAtLevel(manager, schoolUnitPaths, stage.levelCode);
  if ([...runners.values()].some((unitId) => !unitId)) {
    throw new RuleViolationError('NO_STAGE_RUNNER', { levelCode: stage.levelCode, stageName: stage.name }, [problem('unitId', 'NO_ANCESTOR_AT_LEVEL', { levelCode: stage.levelCode })]);
  }
  return new Map([...runners].map(([path, unitId]) => [path, { stageId: stage.id, stageName: stage.name, unitId: unitId! }]));
}

/**
 * Entries written per statement: a statement's parameters (and what the API holds to send them) stay a few
 * megabytes whatever the file's size.
 */
export const REGISTRATIONS_PER_STATEMENT = 2000;

/** An entry a school registers, checked and ready to be written. */
export interface Registration {
  id: string;
  school: { id: string; name: string; path: string };
  fieldId: string;
  draft: EntryDraft;
}

/** The edition a registration goes into, as its confirmation mail names it. */
export interface RegisteredEdition {
  id: string;
  seasonLabel: string;
  number: number;
  contestName: string;
}

/** The `entry.register` audit row of a registration: the same however the entry came in, so its trail reads alike. */
function registrationAudit(r: Registration, extra: Record<string, unknown> = {}) {
  return { action: 'entry.register', entityType: 'entry', entityId: r.id, unitPath: r.school.path, after: { ...r.draft, status: 'registered', ...extra } };
}

/** The entry row of a registration, in the first stage at `placement`. */
function newEntry(actor: Actor, editionId: string, r: Registration, placement: Placement): NewEntry {
  return {
    id: r.id,
    editionId,
    unitId: r.school.id,
    unitPath: r.school.path,
    fieldId: r.fieldId,
    draft: r.draft,
    stageId: placement.stageId,
    stageUnitId: placement.unitId,
    createdBy: actor.userId,
  };
}

/** One school's form: an entry one request registers, checked and placed in its first stage. */
export interface FormRegistration {
  actor: Actor;
  edition: RegisteredEdition;
  registration: Registration;
  placement: Placement;
}

/**
 * Forms sent one by one and written together (the forms a StatementGatherer holds at one moment, or one form alone):
 * each exactly as if written alone, with its entry in its first stage, its `entry.register` audit row by its own
 * actor and its own confirmation mail, in ONE statement whose text never varies with the count (so it is prepared),
 * atomic without a transaction of its own. A form whose reference its school already used (by an earlier entry, or
 * by an earlier form of the same statement) is left out with its audit row and its mail. Answers, form by form, the
 * time its entry was created, or null when it was left out.
 */
export async function writeForms(manager: EntityManager, ports: { entries: EntriesRepository; audit: AuditService; outbox: OutboxService }, forms: FormRegistration[]): Promise<Array<Date | null>> {
  const audit = ports.audit.insertion(
    forms.map((f) => f.actor),
    forms.map((f) => registrationAudit(f.registration)),
    entryWritten('c.entity_id', 'id::text'),
  );
  const mails = ports.outbox.insertion(
    forms.flatMap(({ edition, registration: r }) =>
      registrationMail({
        contestName: edition.contestName,
        edition,
        entries: [{ id: r.id, title: r.draft.title, reference: r.draft.reference, school: r.school, contactEmail: r.draft.contactEmail }],
      }),
    ),
    entryWritten('e.event_key', registrationMailKeySql('id')),
  );
  const written = await ports.entries.insertMany(
    manager,
    forms.map((f) => newEntry(f.actor, f.edition.id, f.registration, f.placement)),
    [audit, mails],
    true,
  );
  if (written.size > 0) ports.outbox.written(manager);
  return forms.map((f) => written.get(f.registration.id) ?? null);
}

/**
 * What a file's registrations write (and the demo's, and a past season's recorded afterwards): the entries in their
 * first stage, one `entry.register` audit row each and one confirmation mail per school and contact (none with
 * `mail: false`), in one statement (EntriesRepository.insertMany) per REGISTRATIONS_PER_STATEMENT entries inside the
 * caller's transaction. Returns the entries written with the time they were created; an entry whose reference its
 * school already used is left out, and so are its audit row and its place in the mail.
 */
export async function writeRegistrations(
  manager: EntityManager,
  ports: { entries: EntriesRepository; audit: AuditService; outbox: OutboxService },
  actor: Actor,
  edition: RegisteredEdition,
  registrations: Registration[],
  options: { auditExtra?: Record<string, unknown>; mail?: boolean; placements?: Map<string, Placement>; perStatement?: number } = {},
): Promise<Map<string, Date>> {
  const { auditExtra = {}, mail = true, perStatement = REGISTRATIONS_PER_STATEMENT } = options;
  if (registrations.length === 0) return new Map();
  const placements =
    options.placements ??
    (await firstStagePlacements(
      manager,
      edition.id,
      registrations.map((r) => r.school.path),
    ));
  const audit = (written: Registration[]) => written.map((r) => registrationAudit(r, auditExtra));
  // One confirmation per school and contact for the whole batch, not one per entry.
  const mails = (written: Registration[]) =>
    mail
      ? registrationMail({
          contestName: edition.contestName,
          edition,
          entries: written.map((r) => ({ id: r.id, title: r.draft.title, reference: r.draft.reference, school: r.school, contactEmail: r.draft.contactEmail })),
        })
      : [];
  const entryOf = (r: Registration) => newEntry(actor, edition.id, r, placements.get(r.school.path)!);
  const written = new Map<string, Date>();
  const chunks: Registration[][] = [];
  for (let i = 0; i < registrations.length; i += perStatement) chunks.push(registrations.slice(i, i + perStatement));
  let mailed = false;
  for (const chunk of chunks) {
    // Audit (and, for a batch of one statement, mail) go with the entries when every entry is new (nearly always);
    // otherwise after, for those written.
    const everyEntryNew = everyEntryWritten(chunk.length);
    const alongside = [ports.audit.insertion(actor, audit(chunk), everyEntryNew)];
    const events = chunks.length === 1 ? mails(chunk) : [];
    if (events.length) alongside.push(ports.outbox.insertion(events, everyEntryNew));
    const inChunk = await ports.entries.insertMany(manager, chunk.map(entryOf), alongside);
    for (const [id, createdAt] of inChunk) written.set(id, createdAt);
    if (inChunk.size === chunk.length) {
      mailed = events.length > 0;
      if (mailed) ports.outbox.written(manager);
    } else if (inChunk.size > 0) await ports.audit.record(manager, actor, audit(chunk.filter((r) => inChunk.has(r.id))));
  }
  // A file's mail is grouped over all its entries, whatever statement wrote them.
  if (!mailed) await ports.outbox.add(manager, mails(registrations.filter((r) => written.has(r.id))));
  return written;
}
