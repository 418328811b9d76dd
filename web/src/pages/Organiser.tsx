import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { api, ApiError, download } from '../api/client';
import type { components } from '../api/schema';
import { formatDate, formatVnd, useL } from '../i18n';
import { editionName, useEditions, useStageAtUnit, type Edition } from './picker';
import { ErrorBanner, Loading, refusalOf, Select, TextArea, TextField, type Refusal } from '../ui/forms';

type EntryPage = components['schemas']['EntryPage'];
type Preview = components['schemas']['PrizeListPreview'];
type PrizeList = components['schemas']['PublicPrizeList'];

const PAGE_SIZE = 100;
const filterField = (field: string) => ['fieldCode', 'stageId', 'status', 'q', 'objectionDays', 'reason'].includes(field);

/** The entries of an edition in the organiser's scope, filtered as the API filters, with its CSV and XLSX exports. */
export function OrganiserEntries() {
  const L = useL();
  const [editions, editionsRefusal] = useEditions();
  // A link may name the edition: /to-chuc/san-pham?editionId=…
  const [editionId, setEditionId] = useState(() => new URLSearchParams(location.search).get('editionId') ?? '');
  const [edition, setEdition] = useState<Edition | null>(null);
  const [filters, setFilters] = useState({ fieldCode: '', stageId: '', status: '' as '' | 'registered' | 'withdrawn', q: '' });
  // The cursors of the pages walked to, so that Previous goes back: the list pages by cursor, not by number.
  const [trail, setTrail] = useState<string[]>([]);
  const [result, setResult] = useState<EntryPage | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);

  useEffect(() => {
    if (editions?.length && !editionId) setEditionId(editions[0].id);
  }, [editions, editionId]);
  useEffect(() => {
    if (!editionId) return;
    api('get', '/editions/{id}', { path: { id: editionId } })
      .then(setEdition)
      .catch((error) => setRefusal(refusalOf(error, filterField)));
  }, [editionId]);

  const query = { editionId, fieldCode: filters.fieldCode || undefined, stageId: filters.stageId || undefined, status: filters.status || undefined, q: filters.q || undefined };
  useEffect(() => {
    if (!editionId) return;
    setRefusal(null);
    api('get', '/entries', { query: { ...query, cursor: trail.at(-1), pageSize: PAGE_SIZE } })
      .then(setResult)
      .catch((error) => setRefusal(refusalOf(error, filterField)));
    // `query` is rebuilt from these on each render.
  }, [editionId, filters, trail]);

  const exportAs = (kind: 'csv' | 'xlsx') => download(kind === 'csv' ? '/entries/export.csv' : '/entries/export.xlsx', { query }).catch((error) => setRefusal(refusalOf(error, filterField)));
  const page = trail.length + 1;
  const pages = result ? Math.max(1, Math.ceil(result.total / PAGE_SIZE)) : 1;
  const atLeast = result && !result.totalExact ? '≥ ' : '';

  return (
    <main>
      <h1>{L('Danh sách sản phẩm dự thi', 'Entries')}</h1>
      <ErrorBanner refusal={editionsRefusal ?? refusal} />
      {!editions && !editionsRefusal && <Loading />}
      {editions && (
        <form className="filters" onSubmit={(e) => e.preventDefault()} role="search">
          <Select label={L('Cuộc thi', 'Edition')} name="editionId" refusal={refusal} value={editionId} onChange={(e) => (setEditionId(e.target.value), setTrail([]))}>
            {editions.map((e) => (
              <option key={e.id} value={e.id}>
                {editionName(e)}
              </option>
            ))}
          </Select>
          <Select label={L('Lĩnh vực', 'Field')} name="fieldCode" refusal={refusal} value={filters.fieldCode} onChange={(e) => (setFilters({ ...filters, fieldCode: e.target.value }), setTrail([]))}>
            <option value="">{L('Tất cả', 'All')}</option>
            {edition?.fields.map((f) => (
              <option key={f.code} value={f.code}>
                {f.name}
              </option>
            ))}
          </Select>
          <Select label={L('Vòng', 'Stage')} name="stageId" refusal={refusal} value={filters.stageId} onChange={(e) => (setFilters({ ...filters, stageId: e.target.value }), setTrail([]))}>
            <option value="">{L('Tất cả', 'All')}</option>
            {edition?.stages.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </Select>
          <Select
            label={L('Trạng thái', 'Status')}
            name="status"
            refusal={refusal}
            value={filters.status}
            onChange={(e) => (setFilters({ ...filters, status: e.target.value as typeof filters.status }), setTrail([]))}
          >
            <option value="">{L('Tất cả', 'All')}</option>
            <option value="registered">{L('Đã đăng ký', 'Registered')}</option>
            <option value="withdrawn">{L('Đã rút', 'Withdrawn')}</option>
          </Select>
          <TextField
            label={L('Tìm theo tên hoặc mã', 'Search title or reference')}
            name="q"
            refusal={refusal}
            type="search"
            defaultValue={filters.q}
            onBlur={(e) => setFilters({ ...filters, q: e.target.value })}
            onKeyDown={(e) => e.key === 'Enter' && (setFilters({ ...filters, q: e.currentTarget.value }), setTrail([]))}
          />
        </form>
      )}
      {result && (
        <>
          <p className="buttons">
            <span role="status">{L(`${atLeast}${result.total.toLocaleString('vi-VN')} sản phẩm`, `${atLeast}${result.total.toLocaleString('en')} entries`)}</span>
            <button type="button" className="secondary" onClick={() => void exportAs('csv')}>
              {L('Tải CSV', 'Download CSV')}
            </button>
            <button type="button" className="secondary" onClick={() => void exportAs('xlsx')}>
              {L('Tải Excel', 'Download Excel')}
            </button>
          </p>
          <div className="scroll">
            <table data-testid="entries">
              <thead>
                <tr>
                  <th scope="col">{L('Mã', 'Reference')}</th>
                  <th scope="col">{L('Tên sản phẩm', 'Title')}</th>
                  <th scope="col">{L('Trường', 'School')}</th>
                  <th scope="col">{L('Lĩnh vực', 'Field')}</th>
                  <th scope="col">{L('Vòng', 'Stage')}</th>
                  <th scope="col">{L('Trạng thái', 'Status')}</th>
                  <th scope="col">{L('Ngày đăng ký', 'Registered on')}</th>
                </tr>
              </thead>
              <tbody>
                {result.items.map((entry) => (
                  <tr key={entry.id}>
                    <td>{entry.reference}</td>
                    <td>{entry.title}</td>
                    <td>{entry.unit.name}</td>
                    <td>{entry.field.name}</td>
                    <td>{entry.currentStage?.name ?? ''}</td>
                    <td>{entry.status === 'registered' ? L('Đã đăng ký', 'Registered') : L('Đã rút', 'Withdrawn')}</td>
                    <td>{formatDate(entry.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="buttons" aria-label={L('Trang', 'Pages')}>
            <button type="button" className="secondary" disabled={page <= 1} onClick={() => setTrail(trail.slice(0, -1))}>
              ← {L('Trang trước', 'Previous')}
            </button>
            <span>
              {L('Trang', 'Page')} {page}/{atLeast}
              {pages}
            </span>
            <button type="button" className="secondary" disabled={!result.nextCursor} onClick={() => result.nextCursor && setTrail([...trail, result.nextCursor])}>
              {L('Trang sau', 'Next')} →
            </button>
          </nav>
        </>
      )}
    </main>
  );
}

/** A stage's prize list at one unit: the preview with each decision's reason, then publication. */
export function PrizeLists() {
  const L = useL();
  const { editions, refusal: pickRefusal, stageId, unitId, fields } = useStageAtUnit((s) => !!s.prizeScheme);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [objectionDays, setObjectionDays] = useState('15');
  const [published, setPublished] = useState<PrizeList | null>(null);
  const [reason, setReason] = useState('');
  const [refusal, setRefusal] = useState<Refusal | null>(null);

  async function show(event: FormEvent) {
    event.preventDefault();
    setRefusal(null);
    setPreview(null);
    setPublished(null);
    try {
      setPreview(await api('get', '/stages/{stageId}/units/{unitId}/prize-list/preview', { path: { stageId, unitId } }));
      // What was published already, if anything: the page then offers the final list and corrections instead.
      setPublished(
        await api('get', '/stages/{stageId}/units/{unitId}/prize-list', { path: { stageId, unitId } }).catch((error) =>
          error instanceof ApiError && error.status === 404 ? null : Promise.reject(error),
        ),
      );
    } catch (error) {
      setRefusal(refusalOf(error, filterField));
    }
  }

  async function act(work: () => Promise<PrizeList>) {
    setRefusal(null);
    try {
      setPublished(await work());
      setReason('');
    } catch (error) {
      setRefusal(refusalOf(error, filterField));
    }
  }

  const publish = () => act(() => api('post', '/stages/{stageId}/units/{unitId}/prize-list', { path: { stageId, unitId }, body: { objectionDays: Number(objectionDays) } }));
  const finalise = () => act(() => api('post', '/prize-lists/{id}/final', { path: { id: published!.id } }));
  const correct = (event: FormEvent) => (event.preventDefault(), act(() => api('post', '/prize-lists/{id}/corrections', { path: { id: published!.id }, body: { reason } })));

  return (
    <main>
      <h1>{L('Danh sách giải thưởng', 'Prize lists')}</h1>
      <ErrorBanner refusal={pickRefusal ?? refusal} />
      {editions && (
        <form className="filters" onSubmit={show}>
          {fields(refusal)}
          <button type="submit">{L('Xem trước', 'Preview')}</button>
        </form>
      )}
      {preview && (
        <section aria-label={L('Bản xem trước', 'Preview')}>
          <h2>
            {L('Xem trước', 'Preview')}: {preview.stage.name} — {preview.unit.name}
          </h2>
          <div className="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{L('Giải', 'Prize')}</th>
                  <th scope="col">{L('Số giải', 'Quota')}</th>
                  <th scope="col">{L('Đã trao', 'Awarded')}</th>
                  <th scope="col">{L('Chưa dùng', 'Unused')}</th>
                </tr>
              </thead>
              <tbody>
                {preview.levels.map((level) => (
                  <tr key={level.level + level.scope}>
                    <td>{level.name}</td>
                    <td>{level.quota}</td>
                    <td>{level.awarded}</td>
                    <td>{level.unused}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="scroll">
            <table data-testid="preview">
              <thead>
                <tr>
                  <th scope="col">{L('Hạng', 'Rank')}</th>
                  <th scope="col">{L('Mã', 'Reference')}</th>
                  <th scope="col">{L('Tên sản phẩm', 'Title')}</th>
                  <th scope="col">{L('Điểm', 'Score')}</th>
                  <th scope="col">{L('Giải', 'Prize')}</th>
                  <th scope="col">{L('Tiền thưởng', 'Prize money')}</th>
                  <th scope="col">{L('Lý do', 'Reason')}</th>
                </tr>
              </thead>
              <tbody>
                {preview.entries.map((entry) => (
                  <tr key={entry.entryId}>
                    <td>{entry.rank ?? ''}</td>
                    <td>{entry.reference}</td>
                    <td>{entry.title}</td>
                    <td>{entry.score ?? ''}</td>
                    <td>{entry.prizeName ?? L('Không giải', 'None')}</td>
                    <td>{entry.prizeMoney ? formatVnd(entry.prizeMoney) : ''}</td>
                    <td>{entry.reason.text ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {published ? (
            <section aria-labelledby="published">
              <h2 id="published">{L('Đã công bố', 'Published')}</h2>
              <p role="status" className="notice">
                {published.phase === 'final'
                  ? L(`Đã công bố chính thức (phiên bản ${published.version}).`, `Published as final (version ${published.version}).`)
                  : L(`Đã công bố tạm thời (phiên bản ${published.version}).`, `Published as provisional (version ${published.version}).`)}
                {published.phase === 'provisional' && published.objectionEndsAt && ` ${L('Nhận khiếu nại đến', 'Objections until')} ${formatDate(published.objectionEndsAt)}.`}
                {published.reason && ` ${L('Lý do đính chính', 'Correction')}: ${published.reason}`} <Link href={`/cong-bo/${published.id}`}>{L('Xem trang công khai', 'See the public page')}</Link>
              </p>
              {published.phase === 'provisional' && (
                <p>
                  <button type="button" onClick={() => void finalise()}>
                    {L('Công bố chính thức', 'Publish as final')}
                  </button>
                </p>
              )}
              <form onSubmit={correct} className="narrow">
                <TextArea
                  label={L('Lý do đính chính', 'Reason for the correction')}
                  hint={L('Danh sách được tính lại theo điểm hiện tại và công bố thành phiên bản mới.', 'The list is recomputed from the current scores and published as a new version.')}
                  name="reason"
                  refusal={refusal}
                  rows={2}
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                />
                <button type="submit">{L('Công bố đính chính', 'Publish a correction')}</button>
              </form>
            </section>
          ) : (
            <div className="buttons">
              <TextField
                label={L('Số ngày nhận khiếu nại', 'Objection days')}
                name="objectionDays"
                refusal={refusal}
                inputMode="numeric"
                value={objectionDays}
                onChange={(e) => setObjectionDays(e.target.value)}
              />
              <button type="button" onClick={() => void publish()}>
                {L('Công bố tạm thời', 'Publish as provisional')}
              </button>
            </div>
          )}
        </section>
      )}
    </main>
  );
}
