import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { formatDateTime, useL } from '../i18n';
import { ErrorBanner, Loading, refusalOf, Select, TextField, type Refusal } from '../ui/forms';

type AuditPage = components['schemas']['PageOfAuditRecordDto'];

const PAGE_SIZE = 50;
const ENTITY_TYPES = ['entry', 'edition', 'panel', 'prize-list', 'stage', 'contest', 'user', 'grant', 'unit', 'login'];
const shownFields = (field: string) => ['entityType', 'action', 'entityId'].includes(field);

/** What changed in the organiser's scope, newest first, filtered as the API filters. */
export function Audit() {
  const L = useL();
  const [filters, setFilters] = useState({ entityType: '', action: '', entityId: '' });
  const [draft, setDraft] = useState(filters);
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<AuditPage | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);

  useEffect(() => {
    setRefusal(null);
    api('get', '/audit', { query: { page, pageSize: PAGE_SIZE, entityType: filters.entityType || undefined, action: filters.action || undefined, entityId: filters.entityId || undefined } })
      .then(setResult)
      .catch((error) => setRefusal(refusalOf(error, shownFields)));
  }, [filters, page]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setPage(1);
    setFilters(draft);
  };
  const pages = result ? Math.max(1, Math.ceil(result.total / PAGE_SIZE)) : 1;
  const changes = (record: AuditPage['items'][number]) =>
    Object.keys({ ...record.before, ...record.after })
      .slice(0, 6)
      .map((key) => `${key}: ${JSON.stringify(record.before?.[key] ?? null)} → ${JSON.stringify(record.after?.[key] ?? null)}`)
      .join('; ');

  return (
    <main>
      <h1>{L('Nhật ký thay đổi', 'Audit trail')}</h1>
      <form className="filters" role="search" onSubmit={apply}>
        <Select label={L('Loại đối tượng', 'Entity type')} name="entityType" refusal={refusal} value={draft.entityType} onChange={(e) => setDraft({ ...draft, entityType: e.target.value })}>
          <option value="">{L('Tất cả', 'All')}</option>
          {ENTITY_TYPES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </Select>
        <TextField label={L('Thao tác', 'Action')} name="action" refusal={refusal} placeholder="entry.register" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })} />
        <TextField label={L('Mã đối tượng', 'Entity id')} name="entityId" refusal={refusal} value={draft.entityId} onChange={(e) => setDraft({ ...draft, entityId: e.target.value })} />
        <button type="submit">{L('Lọc', 'Filter')}</button>
      </form>
      <ErrorBanner refusal={refusal} />
      {!result && !refusal && <Loading />}
      {result && (
        <>
          <p role="status">{L(`${result.total.toLocaleString('vi-VN')} bản ghi`, `${result.total.toLocaleString('en')} records`)}</p>
          <div className="scroll">
            <table data-testid="audit">
              <thead>
                <tr>
                  <th scope="col">{L('Thời điểm', 'When')}</th>
                  <th scope="col">{L('Người thực hiện', 'Who')}</th>
                  <th scope="col">{L('Thao tác', 'Action')}</th>
                  <th scope="col">{L('Đối tượng', 'Entity')}</th>
                  <th scope="col">{L('Thay đổi', 'Changes')}</th>
                </tr>
              </thead>
              <tbody>
                {result.items.map((record) => (
                  <tr key={record.id}>
                    <td>{formatDateTime(record.at)}</td>
                    <td>{record.actorName ?? record.actorEmail ?? L('Hệ thống', 'System')}</td>
                    <td>{record.action}</td>
                    <td>
                      {record.entityType} <small className="hint">{record.entityId}</small>
                    </td>
                    <td className="changes">{changes(record)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="buttons" aria-label={L('Trang', 'Pages')}>
            <button type="button" className="secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              ← {L('Trang trước', 'Previous')}
            </button>
            <span>
              {L('Trang', 'Page')} {page}/{pages}
            </span>
            <button type="button" className="secondary" disabled={page >= pages} onClick={() => setPage(page + 1)}>
              {L('Trang sau', 'Next')} →
            </button>
          </nav>
        </>
      )}
    </main>
  );
}
