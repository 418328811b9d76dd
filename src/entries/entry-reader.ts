import { Inject, Injectable } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../core/config/config';
import { UnitReader } from '../units/unit-reader';

/** A registered entry taking part in a stage at one unit. */
export interface StageEntry {
  id: string;
  /** The school or organisation that registered it, and that unit's path. */
  unitId: string;
  unitPath: string;
  fieldId: string;
  title: string;
  reference: string;
}

/** What a judge may read of an entry; the caller leaves out what a blind stage hides. */
export interface EntryDossier {
  summary: string;
  school: { code: string; name: string };
  authors: Array<{ fullName: string; classOrJob: string | null }>;
  files: Array<{ id: string; name: string; mediaType: string; sizeBytes: number }>;
}

export interface DossierFileContent {
  stream: Readable;
  length: number;
  mediaType: string;
  name: string;
}

/**
 * The read side of entries for the domains above it (judging): entries in a stage, an entry's dossier and its
 * files. Exported by EntriesModule; no other domain queries entries' tables. Access is the caller's to check.
 */
@Injectable()
export class EntryReader {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly units: UnitReader,
  ) {}

  /** The registered entries in `stageId` at `unitId` (through `entry_stages`) in one of `fieldIds`, by id. */
  async inStage(manager: EntityManager, stageId: string, unitId: string, fieldIds: string[]): Promise<StageEntry[]> {
    return (await this.inStageAt(manager, stageId, [unitId], fieldIds)).get(unitId) ?? [];
  }

  /** As `inStage` for each of these units at once, by the unit the stage runs at. */
  async inStageAt(manager: EntityManager, stageId: string, unitIds: readonly string[], fieldIds: readonly string[]): Promise<Map<string, StageEntry[]>> {
    const rows: Array<Record<string, string>> = await manager.query(
      `SELECT e.id, e.unit_id, e.unit_path, e.field_id, e.title, e.reference, es.unit_id AS stage_unit_id
         FROM entry_stages es JOIN entries e ON e.id = es.entry_id
        WHERE es.stage_id = $1 AND es.unit_id = ANY ($2::uuid[]) AND e.status = 'registered' AND e.field_id = ANY ($3::uuid[])
        ORDER BY e.id`,
      [stageId, unitIds, fieldIds],
    );
    const byUnit = new Map<string, StageEntry[]>(unitIds.map((id) => [id, []]));
    for (const r of rows) byUnit.get(r.stage_unit_id)!.push({ id: r.id, unitId: r.unit_id, unitPath: r.unit_path, fieldId: r.field_id, title: r.title, reference: r.reference });
    return byUnit;
  }

  async dossier(manager: EntityManager, entryId: string): Promise<EntryDossier | null> {
    const [row]: Array<Record<string, any>> = await manager.query(
      `SELECT e.summary, e.unit_id,
              (SELECT coalesce(json_agg(json_build_object('fullName', a.full_name, 'classOrJob', a.class_or_job) ORDER BY a.position), '[]') FROM entry_authors a WHERE a.entry_id = e.id) AS authors,
              (SELECT coalesce(json_agg(json_build_object('id', d.id, 'name', d.original_name, 'mediaType', d.media_type, 'sizeBytes', d.size_bytes) ORDER BY d.created_at, d.id), '[]') FROM dossier_files d WHERE d.entry_id = e.id) AS files
         FROM entries e
        WHERE e.id = $1`,
      [entryId],
    );
    if (!row) return null;
    const school = await this.units.unit(row.unit_id, manager);
    return { summary: row.summary, school: { code: school?.code ?? '', name: school?.name ?? '' }, authors: row.authors, files: row.files };
  }

  /** A file of the entry's dossier, opened for reading; null when the entry has no such file. */
  async dossierFile(manager: EntityManager, entryId: string, fileId: string): Promise<DossierFileContent | null> {
    const [file]: Array<{ storage_key: string; media_type: string; original_name: string }> = await manager.query(
      'SELECT storage_key, media_type, original_name FROM dossier_files WHERE id = $1 AND entry_id = $2',
      [fileId, entryId],
    );
    if (!file) return null;
    const path = join(this.config.uploadDir, file.storage_key);
    const { size } = await stat(path);
    return { stream: createReadStream(path), length: size, mediaType: file.media_type, name: file.original_name };
  }
}
