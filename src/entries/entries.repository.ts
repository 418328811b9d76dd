import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { Edition } from '../contests/contest.entity';
import { underScopes } from '../core/auth/scope-sql';
import { searchKey } from '../core/text';
import { Unit } from '../units/unit.entity';
import { AuthorView, DossierFileView, EntryView, StageRefView } from './dto/entry.dto';
import { EntryFilterQuery } from './dto/entry-query.dto';
import { EntryRow } from './entry-export';
import { DossierFile, Entry, EntryAuthor } from './entry.entity';

/** An entry the caller may act on, with the registration window of its edition. */
export type ScopedEntry = Entry & { edition: Edition };

const AUTHORS_JSON = `(SELECT COALESCE(json_agg(json_build_object('position', a.position, 'fullName', a.full_name, 'birthDate', a.birth_date, 'classOrJob', a.class_or_job) ORDER BY a.position), '[]'::json)
    FROM entry_authors a WHERE a.entry_id = e.id)`;
const CURRENT_STAGE_JSON = `(SELECT json_build_object('id', s.id, 'name', s.name, 'position', s.position, 'unitId', es.unit_id)
    FROM entry_stages es JOIN stages s ON s.id = es.stage_id WHERE es.entry_id = e.id ORDER BY s.position DESC LIMIT 1)`;

/** `%`, `_` and `\` match themselves inside a LIKE pattern. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The queries behind entry lists, exports and views; every one is bounded by the caller's scopes. */
@Injectable()
export class EntriesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The entry if it lies under one of `scopes`; null when it is missing or out of scope alike. */
  async findInScope(manager: EntityManager, scopes: string[], id: string): Promise<ScopedEntry | null> {
    if (scopes.length === 0) return null;
    const [scope, params] = underScopes('e.unit_path', scopes);
    const entry = await manager.createQueryBuilder(Entry, 'e').innerJoinAndSelect('e.edition', 'edition').where('e.id = :id', { id }).andWhere(scope, params).getOne();
    return (entry as ScopedEntry | null) ?? null;
  }

  async view(manager: EntityManager, id: string): Promise<EntryView> {
    const entry = await manager.findOneOrFail(Entry, { where: { id }, relations: { unit: true, field: true } });
    // One after the other: inside a transaction the manager holds a single connection.
    const authors = await manager.find(EntryAuthor, { where: { entryId: id }, order: { position: 'ASC' } });
    const files = await manager.find(DossierFile, { where: { entryId: id }, order: { createdAt: 'ASC', id: 'ASC' } });
    const stage: Array<{ stage: StageRefView | null }> = await manager.query(`SELECT ${CURRENT_STAGE_JSON} AS stage FROM entries e WHERE e.id = $1`, [id]);
    return {
      id: entry.id,
      editionId: entry.editionId,
      unit: { id: entry.unit!.id, code: entry.unit!.code, name: entry.unit!.name },
      reference: entry.reference,
      title: entry.title,
      summary: entry.summary,
      field: { code: entry.field!.code, name: entry.field!.name },
      contact: { name: entry.contactName, email: entry.contactEmail, phone: entry.contactPhone },
      createdYear: entry.createdYear,
      status: entry.status,
      version: entry.version,
      authors: authors.map(({ position, fullName, birthDate, classOrJob }): AuthorView => ({ position, fullName, birthDate, classOrJob })),
      currentStage: stage[0]?.stage ?? null,
      dossierFiles: files.map(dossierFileView),
      createdAt: entry.createdAt,
      updatedAt: entry.updatedAt,
    };
  }

  /** One page of the entries in scope that pass the filter, ordered by school code then reference. */
  async page(scopes: string[], filter: EntryFilterQuery, page: { offset: number; limit: number }): Promise<{ rows: EntryRow[]; total: number }> {
    const query = await this.filtered(scopes, filter);
    if (!query) return { rows: [], total: 0 };
    const [rows, total] = await Promise.all([this.rowsOf(query.clone().offset(page.offset).limit(page.limit)), query.clone().getCount()]);
    return { rows, total };
  }

  /** Every entry in scope that passes the filter, in list order. */
  async all(scopes: string[], filter: EntryFilterQuery): Promise<EntryRow[]> {
    const query = await this.filtered(scopes, filter);
    return query ? this.rowsOf(query) : [];
  }

  /** The filter as a query, or null when it cannot match anything (no scope, unknown unit). */
  private async filtered(scopes: string[], filter: EntryFilterQuery): Promise<SelectQueryBuilder<Entry> | null> {
    if (scopes.length === 0) return null;
    const [scope, params] = underScopes('e.unit_path', scopes);
    const qb = this.db.createQueryBuilder(Entry, 'e').innerJoin('e.unit', 'u').innerJoin('e.field', 'f').where(scope, params);
    if (filter.unitId) {
      // The unit's own path as a constant prefix, so the text_pattern_ops index on unit_path serves it.
      const unit = await this.db.getRepository(Unit).findOne({ where: { id: filter.unitId }, select: { path: true } });
      if (!unit) return null;
      qb.andWhere('e.unit_path LIKE :unitPrefix', { unitPrefix: `${unit.path}%` });
    }
    if (filter.editionId) qb.andWhere('e.edition_id = :editionId', { editionId: filter.editionId });
    if (filter.fieldCode) qb.andWhere('lower(f.code) = lower(:fieldCode)', { fieldCode: filter.fieldCode });
    if (filter.status) qb.andWhere('e.status = :status', { status: filter.status });
    if (filter.stageId) qb.andWhere('EXISTS (SELECT 1 FROM entry_stages es WHERE es.entry_id = e.id AND es.stage_id = :stageId)', { stageId: filter.stageId });
    if (filter.q) {
      const words = searchKey(filter.q);
      if (words) qb.andWhere(`e.search_key LIKE :q ESCAPE '\\'`, { q: `%${likeLiteral(words)}%` });
    }
    // Byte order, so the list reads the same whatever collation the database was created with.
    return qb.orderBy('u.code COLLATE "C"', 'ASC').addOrderBy('e.reference COLLATE "C"', 'ASC').addOrderBy('e.id', 'ASC');
  }

  private async rowsOf(qb: SelectQueryBuilder<Entry>): Promise<EntryRow[]> {
    const raw: EntryRow[] = await qb
      .select('e.id', 'id')
      .addSelect('e.edition_id', 'editionId')
      .addSelect('e.unit_id', 'unitId')
      .addSelect('u.code', 'unitCode')
      .addSelect('u.name', 'unitName')
      .addSelect('e.reference', 'reference')
      .addSelect('e.title', 'title')
      .addSelect('f.code', 'fieldCode')
      .addSelect('f.name', 'fieldName')
      .addSelect('e.status', 'status')
      .addSelect('e.contact_name', 'contactName')
      .addSelect('e.contact_email', 'contactEmail')
      .addSelect('e.contact_phone', 'contactPhone')
      .addSelect('e.created_year', 'createdYear')
      .addSelect('e.version', 'version')
      .addSelect('e.created_at', 'createdAt')
      .addSelect(AUTHORS_JSON, 'authors')
      .addSelect(CURRENT_STAGE_JSON, 'stage')
      .getRawMany();
    return raw;
  }
}

export function dossierFileView(file: DossierFile): DossierFileView {
  return { id: file.id, originalName: file.originalName, mediaType: file.mediaType, sizeBytes: file.sizeBytes, sha256: file.sha256, createdAt: file.createdAt };
}
