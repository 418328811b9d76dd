import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link } from 'wouter';
import { navigate } from 'wouter/use-browser-location';
import { api } from '../api/client';
import { formatDateTime, useL } from '../i18n';
import { ErrorBanner, Loading, refusalOf, TextArea, type Refusal } from '../ui/forms';
import type { components } from '../api/schema';

type AssignedEntry = components['schemas']['AssignedEntryView'];
type JudgeEntry = components['schemas']['JudgeEntryDetailView'];
type PanelSummary = components['schemas']['PanelSummaryView'];
type Sheet = components['schemas']['SheetView'];

/** Every panel the user sits on or organises. */
export function Panels() {
  const L = useL();
  const [panels, setPanels] = useState<PanelSummary[] | null>(null);
  // Per panel the judge scores: sheets not yet confirmed, of how many.
  const [left, setLeft] = useState<Map<string, { left: number; of: number }>>(new Map());
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  useEffect(() => {
    (async () => {
      const page = await api('get', '/panels', { query: { pageSize: 100 } });
      setPanels(page.items);
      const judged = page.items.filter((p) => p.role === 'judge' && p.state === 'open');
      const lists = await Promise.all(judged.map((p) => api('get', '/panels/{id}/entries', { path: { id: p.id } })));
      setLeft(new Map(judged.map((p, i) => [p.id, { left: lists[i].filter((e) => e.sheet.status !== 'confirmed').length, of: lists[i].length }])));
    })().catch((error) => setRefusal(refusalOf(error)));
  }, []);
  const total = [...left.values()].reduce((sum, l) => sum + l.left, 0);
  return (
    <main>
      <h1>{L('Hội đồng giám khảo', 'Judging panels')}</h1>
      <ErrorBanner refusal={refusal} />
      {!panels && !refusal && <Loading />}
      {panels?.length === 0 && <p>{L('Bạn chưa được phân vào hội đồng nào.', 'You are on no panel yet.')}</p>}
      {left.size > 0 && (
        <p role="status" className="notice">
          {total === 0
            ? L('Bạn đã chấm xong mọi phiếu được giao.', 'You have confirmed every sheet given to you.')
            : L(`Bạn còn ${total} phiếu chưa xác nhận.`, `${total} sheets left for you to confirm.`)}
        </p>
      )}
      <ul className="cards">
        {panels?.map((panel) => (
          <li key={panel.id} aria-label={panel.name}>
            <h2>{panel.name}</h2>
            {left.has(panel.id) && (
              <p>
                <strong>
                  {left.get(panel.id)!.left === 0
                    ? L('Đã chấm xong.', 'All done.')
                    : L(`Còn ${left.get(panel.id)!.left} / ${left.get(panel.id)!.of} phiếu chưa xác nhận.`, `${left.get(panel.id)!.left} of ${left.get(panel.id)!.of} sheets left to confirm.`)}
                </strong>{' '}
                {L('Hạn chấm', 'Due')}: {formatDateTime(panel.scoringClosesAt)}
              </p>
            )}
            <p>
              {L('Chấm điểm', 'Scoring')}: {formatDateTime(panel.scoringOpensAt)} – {formatDateTime(panel.scoringClosesAt)} · {panel.state === 'open' ? L('đang mở', 'open') : L('đã đóng', 'closed')}
            </p>
            <p className="buttons">
              {panel.role === 'judge' && (
                <Link className="button" href={`/cham-thi/${panel.id}`}>
                  {L('Chấm điểm', 'Score entries')}
                </Link>
              )}
              {(panel.role === 'chair' || panel.organiser) && (
                <Link className="button" href={`/hoi-dong/${panel.id}`}>
                  {L('Tiến độ và cờ chênh lệch', 'Progress and flags')}
                </Link>
              )}
            </p>
          </li>
        ))}
      </ul>
    </main>
  );
}

const statusName = (status: Sheet['status'], L: (vi: string, en: string) => string) =>
  status === 'confirmed' ? L('Đã xác nhận', 'Confirmed') : status === 'draft' ? L('Bản nháp', 'Draft') : L('Chưa chấm', 'Not started');

/** A judge's entries in one panel and what is left to do. */
export function JudgeEntries({ panelId }: { panelId: string }) {
  const L = useL();
  const [entries, setEntries] = useState<AssignedEntry[] | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  useEffect(() => {
    api('get', '/panels/{id}/entries', { path: { id: panelId } })
      .then((list) => setEntries(list as unknown as AssignedEntry[]))
      .catch((error) => setRefusal(refusalOf(error)));
  }, [panelId]);
  const left = entries?.filter((e) => e.sheet.status !== 'confirmed').length ?? 0;
  const conflict = new URLSearchParams(location.search).get('xung-dot');
  return (
    <main>
      <h1>{L('Sản phẩm được phân chấm', 'Entries to score')}</h1>
      {conflict && (
        <p className="notice">
          {conflict === 'giao-lai'
            ? L('Đã ghi nhận xung đột lợi ích; sản phẩm đã được giao cho giám khảo khác.', 'Conflict recorded; the entry went to another judge.')
            : L('Đã ghi nhận xung đột lợi ích; ban tổ chức sẽ giao sản phẩm cho giám khảo khác.', 'Conflict recorded; the organisers will give the entry to another judge.')}
        </p>
      )}
      <ErrorBanner refusal={refusal} />
      {!entries && !refusal && <Loading />}
      {entries && (
        <>
          <p role="status">
            {left === 0
              ? L('Đã chấm xong tất cả sản phẩm.', 'Every entry is scored.')
              : L(`Còn ${left} / ${entries.length} phiếu chưa xác nhận.`, `${left} of ${entries.length} sheets left to confirm.`)}
          </p>
          <div className="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{L('Số báo danh', 'Number')}</th>
                  <th scope="col">{L('Tên sản phẩm', 'Title')}</th>
                  <th scope="col">{L('Lĩnh vực', 'Field')}</th>
                  <th scope="col">{L('Phiếu chấm', 'Sheet')}</th>
                  <th scope="col">{L('Tổng', 'Total')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <tr key={entry.entryId}>
                    <td>{entry.blindNumber}</td>
                    <td>
                      <Link href={`/cham-thi/${panelId}/${entry.entryId}`}>{entry.title}</Link>
                    </td>
                    <td>{entry.fieldCode}</td>
                    <td>{statusName(entry.sheet.status, L)}</td>
                    <td>{entry.sheet.total ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </main>
  );
}

/**
 * One score sheet, made for the keyboard: the first criterion has the focus, Tab goes on, Enter confirms and opens
 * the next entry left to score; Ctrl+S saves a draft. Each input is bounded by its criterion's maximum and the total
 * follows the typing; the API still decides what it accepts.
 */
export function ScoreSheet({ panelId, entryId }: { panelId: string; entryId: string }) {
  const L = useL();
  const [entry, setEntry] = useState<JudgeEntry | null>(null);
  const [points, setPoints] = useState<Record<string, string>>({});
  const [comment, setComment] = useState('');
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setEntry(null);
    setRefusal(null);
    setSaved(null);
    api('get', '/panels/{id}/entries/{entryId}', { path: { id: panelId, entryId } })
      .then((loaded) => {
        setEntry(loaded);
        setPoints(Object.fromEntries(loaded.rubric.map((c) => [c.code, loaded.sheet.points[c.code] === undefined ? '' : String(loaded.sheet.points[c.code])])));
        setComment(loaded.sheet.comment ?? '');
      })
      .catch((error) => setRefusal(refusalOf(error)));
  }, [panelId, entryId]);

  useEffect(() => {
    if (entry) first.current?.focus();
  }, [entry]);

  const total = useMemo(() => Object.values(points).reduce((sum, value) => sum + (value === '' || Number.isNaN(Number(value)) ? 0 : Number(value)), 0), [points]);
  if (!entry) return <main>{refusal ? <ErrorBanner refusal={refusal} /> : <Loading />}</main>;
  const confirmed = entry.sheet.status === 'confirmed';
  const max = entry.rubric.reduce((sum, c) => sum + c.maxPoints, 0);

  async function save(): Promise<Sheet> {
    const body = {
      version: entry!.sheet.version,
      comment: comment || null,
      points: Object.fromEntries(
        Object.entries(points)
          .filter(([, v]) => v !== '')
          .map(([k, v]) => [k, Number(v)]),
      ),
    };
    const sheet = await api('put', '/panels/{id}/entries/{entryId}/sheet', { path: { id: panelId, entryId }, body });
    setEntry({ ...entry!, sheet });
    return sheet;
  }

  async function run(work: () => Promise<void>) {
    setBusy(true);
    setRefusal(null);
    setSaved(null);
    try {
      await work();
    } catch (error) {
      setRefusal(refusalOf(error, (field) => field === 'comment' || field.startsWith('points.')));
    } finally {
      setBusy(false);
    }
  }

  const draft = () =>
    run(async () => {
      await save();
      setSaved(L('Đã lưu bản nháp.', 'Draft saved.'));
    });

  const confirmSheet = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      const sheet = await save();
      await api('post', '/panels/{id}/entries/{entryId}/sheet/confirm', { path: { id: panelId, entryId }, body: { version: sheet.version } });
      const list = (await api('get', '/panels/{id}/entries', { path: { id: panelId } })) as unknown as AssignedEntry[];
      const next = list.find((e) => e.sheet.status !== 'confirmed');
      navigate(next ? `/cham-thi/${panelId}/${next.entryId}` : `/cham-thi/${panelId}`);
    });
  };

  const onKey = (event: KeyboardEvent) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      void draft();
    }
  };

  return (
    <main onKeyDown={onKey}>
      <p>
        <Link href={`/cham-thi/${panelId}`}>← {L('Danh sách sản phẩm', 'Entry list')}</Link>
      </p>
      <h1>
        {entry.blindNumber ? `${entry.blindNumber} · ` : ''}
        {entry.title}
      </h1>
      {entry.summary && <p>{entry.summary}</p>}
      <ErrorBanner refusal={refusal} />
      {saved && (
        <p role="status" className="notice">
          {saved}
        </p>
      )}
      <form onSubmit={confirmSheet} className="sheet">
        <table>
          <thead>
            <tr>
              <th scope="col">{L('Tiêu chí', 'Criterion')}</th>
              <th scope="col">{L('Điểm', 'Points')}</th>
              <th scope="col">{L('Tối đa', 'Max')}</th>
            </tr>
          </thead>
          <tbody>
            {entry.rubric.map((criterion, i) => {
              const error = refusal?.fields.get(`points.${criterion.code}`);
              return (
                <tr key={criterion.code}>
                  <th scope="row">
                    <label htmlFor={`p-${criterion.code}`}>{criterion.name}</label>
                  </th>
                  <td>
                    <input
                      id={`p-${criterion.code}`}
                      ref={i === 0 ? first : undefined}
                      type="number"
                      inputMode="decimal"
                      min={0}
                      max={criterion.maxPoints}
                      step={entry.scoreStep}
                      disabled={confirmed}
                      aria-invalid={!!error}
                      aria-describedby={error ? `e-${criterion.code}` : undefined}
                      value={points[criterion.code] ?? ''}
                      onChange={(e) => setPoints({ ...points, [criterion.code]: e.target.value })}
                    />
                    {error && (
                      <small id={`e-${criterion.code}`} className="error">
                        {error}
                      </small>
                    )}
                  </td>
                  <td>{criterion.maxPoints}</td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{L('Tổng điểm', 'Total')}</th>
              <td>
                <output aria-live="polite" data-testid="total">
                  {Number.isInteger(total) ? total : total.toFixed(2)}
                </output>
              </td>
              <td>{max}</td>
            </tr>
          </tfoot>
        </table>
        <TextArea label={L('Nhận xét', 'Comment')} name="comment" refusal={refusal} rows={2} disabled={confirmed} value={comment} onChange={(e) => setComment(e.target.value)} />
        {confirmed ? (
          <p role="status">{L('Phiếu đã xác nhận; chỉ trưởng ban mở lại được.', 'This sheet is confirmed; only the chair can reopen it.')}</p>
        ) : (
          <div className="buttons">
            <button type="submit" disabled={busy}>
              {L('Xác nhận (Enter)', 'Confirm (Enter)')}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => void draft()}>
              {L('Lưu nháp (Ctrl+S)', 'Save draft (Ctrl+S)')}
            </button>
          </div>
        )}
      </form>
      {!confirmed && <DeclareConflict panelId={panelId} entryId={entryId} />}
    </main>
  );
}

/** A judge who knows an author (relative, supervisor…) says so before confirming: the entry is taken from them. */
function DeclareConflict({ panelId, entryId }: { panelId: string; entryId: string }) {
  const L = useL();
  const [note, setNote] = useState('');
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setRefusal(null);
    try {
      const outcome = (await api('post', '/panels/{id}/entries/{entryId}/conflict', { path: { id: panelId, entryId }, body: { note } })) as unknown as { reassigned: boolean };
      navigate(`/cham-thi/${panelId}?xung-dot=${outcome.reassigned ? 'giao-lai' : 'cho-giao'}`);
    } catch (error) {
      setRefusal(refusalOf(error, (field) => field === 'note'));
    }
  }
  return (
    <details className="conflict">
      <summary>{L('Khai báo xung đột lợi ích', 'Declare a conflict of interest')}</summary>
      <form onSubmit={submit}>
        <ErrorBanner refusal={refusal} />
        <TextArea
          label={L('Lý do', 'Why')}
          hint={L('Ví dụ: tôi là giáo viên hướng dẫn của nhóm tác giả.', 'For example: I supervised the authors.')}
          name="note"
          refusal={refusal}
          rows={2}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
        <button type="submit" className="secondary">
          {L('Khai báo và trả lại sản phẩm', 'Declare and give the entry back')}
        </button>
      </form>
    </details>
  );
}
