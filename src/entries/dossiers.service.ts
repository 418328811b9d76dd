import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { AccessService } from '../core/access/access.service';
import { Permission } from '../core/access/policy';
import { Actor } from '../core/auth/actor';
import { AuditService } from '../core/audit/audit.service';
import { APP_CONFIG, AppConfig } from '../core/config/config';
import { DomainError, NotFoundError, problem, problemOf, RuleViolationError } from '../core/errors/domain-error';
import { privateDir, writePrivateFile } from '../core/infrastructure/private-files';
import type { Upload } from '../core/http/upload';
import { DossierFileView } from './dto/entry.dto';
import { dossierFileView, ENTRY_ACCESS } from './entries.repository';
import { EntriesService, requireOpenWindow, requireRegistered } from './entries.service';
import { attachmentDisposition, classifyDossierFile, displayFileName, dossierCapRefusal } from './dossier-files';
import { DossierFile, Entry } from './entry.entity';
import { EntryReader } from './entry-reader';

/** A dossier holds a registration form, a description, photos and drawings: a few files, not an archive. */
export const MAX_DOSSIER_FILES = 20;

export interface DossierDownload {
  stream: Readable;
  length: number;
  mediaType: string;
  disposition: string;
}

/** Files attached to an entry, kept on local disk under the upload directory with their checksum. */
@Injectable()
export class DossiersService {
  private readonly logger = new Logger('Dossiers');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly entries: EntriesService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly access: AccessService,
    private readonly reader: EntryReader,
  ) {}

  /** Adds a file to the entry's dossier while registration is open; its type is read from its first bytes. */
  async attach(actor: Actor, entryId: string, upload: Upload): Promise<DossierFileView> {
    const entry = await this.entries.entryInScope(actor, entryId, Permission.DossierWrite);
    requireOpenWindow(entry.edition);
    requireRegistered(entry);
    if (upload.content.length > this.config.uploadMaxBytes) {
      throw new DomainError('PAYLOAD_TOO_LARGE', 'FILE_TOO_LARGE', { maxBytes: this.config.uploadMaxBytes });
    }
    const classified = classifyDossierFile(upload.filename, upload.content);
    if ('refusal' in classified) throw new DomainError('UNSUPPORTED_MEDIA_TYPE', classified.refusal.code, classified.refusal.params as never, { problems: [problemOf('file', classified.refusal)] });
    const { type } = classified;

    const id = randomUUID();
    // Server-chosen name: the user's file name never reaches the file system.
    const storageKey = `dossiers/${entryId}/${id}.${type.extensions[0]}`;
    const path = this.pathOf(storageKey);
    const file = {
      id,
      entryId,
      originalName: displayFileName(upload.filename, type),
      mediaType: type.mediaType,
      sizeBytes: upload.content.length,
      sha256: createHash('sha256').update(upload.content).digest('hex'),
      storageKey,
      uploadedBy: actor.userId,
    };
    try {
      return await this.db.transaction(async (manager) => {
        // The entry's row lock makes concurrent uploads to one entry count one after the other, so the cap holds;
        // its status is read again under the lock, so a withdrawal that just committed is seen.
        const locked = await manager.findOne(Entry, { where: { id: entryId }, lock: { mode: 'for_no_key_update' } });
        if (!locked) throw new NotFoundError('Entry');
        requireRegistered(locked);
        const count = await manager.countBy(DossierFile, { entryId });
        const refusal = dossierCapRefusal(count, MAX_DOSSIER_FILES);
        if (refusal) throw new RuleViolationError(refusal.code, refusal.params as never, [problem('file', 'TOO_MANY_FILES_SHORT', {})]);
        await manager.insert(DossierFile, file);
        await this.audit.record(manager, actor, {
          action: 'entry.dossier.attach',
          entityType: 'entry',
          entityId: entryId,
          unitPath: entry.unitPath,
          after: { fileId: id, originalName: file.originalName, mediaType: file.mediaType, sizeBytes: file.sizeBytes, sha256: file.sha256 },
        });
        // Written last, under the lock: a refused upload never reaches the disk, and a failed commit removes it below.
        await privateDir(dirname(path));
        await writePrivateFile(path, upload.content, 'wx');
        return dossierFileView(await manager.findOneByOrFail(DossierFile, { id }));
      });
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
  }

  async download(actor: Actor, entryId: string, fileId: string): Promise<DossierDownload> {
    await this.access.require(actor, Permission.DossierRead, ENTRY_ACCESS, [entryId]);
    const file = await this.reader.dossierFile(this.db.manager, entryId, fileId);
    if (!file) throw new NotFoundError('Dossier file');
    return { stream: file.stream, length: file.length, mediaType: file.mediaType, disposition: attachmentDisposition(file.name) };
  }

  /** Removes a file from the dossier while registration is open; the disk copy goes once the removal is committed. */
  async remove(actor: Actor, entryId: string, fileId: string): Promise<void> {
    const entry = await this.entries.entryInScope(actor, entryId, Permission.DossierWrite);
    requireOpenWindow(entry.edition);
    requireRegistered(entry);
    const removed = await this.db.transaction(async (manager) => {
      const file = await manager.findOne(DossierFile, { where: { id: fileId, entryId }, lock: { mode: 'pessimistic_write' } });
      if (!file) throw new NotFoundError('Dossier file');
      await manager.delete(DossierFile, { id: fileId });
      await this.audit.record(manager, actor, {
        action: 'entry.dossier.remove',
        entityType: 'entry',
        entityId: entryId,
        unitPath: entry.unitPath,
        before: { fileId, originalName: file.originalName, mediaType: file.mediaType, sizeBytes: file.sizeBytes, sha256: file.sha256 },
      });
      return file;
    });
    await rm(this.pathOf(removed.storageKey), { force: true }).catch((error) => this.logger.warn(`Could not delete ${removed.storageKey}: ${(error as Error).message}`));
  }

  private pathOf(storageKey: string): string {
    return join(this.config.uploadDir, storageKey);
  }
}
