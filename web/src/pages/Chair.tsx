import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { useL } from '../i18n';
import { ErrorBanner, Loading, refusalOf, Select, TextField, type Refusal } from '../ui/forms';
import type { components } from '../api/schema';

type Progress = components['schemas']['ProgressView'];
type ScoreTable = components['schemas']['ScoreTableView'];

type Row = ScoreTable['entries'][number];

/** A panel as its chair (or organiser) follows it: each judge's progress, the flagged entries with the judges' totals, settling, closing. */
export function Chair({ panelId }: { panelId: string }) {
  const L = useL();
  const [progress, setProgress] = useState<Progress | null>(null);
  const [scores, setScores] = useState<ScoreTable | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [closed, setClosed] = useState(false);

  const load = useCallback(() => {
    Promise.all([api('get', '/panels/{id}/progress', { path: { id: panelId } }), api('get', '/panels/{id}/scores', { path: { id: panelId } })])
      .then(([p, s]) => {
        setProgress(p);
        setScores(s);
      })
      .catch((error) => setRefusal(refusalOf(error)));
  }, [panelId]);
  useEffect(load, [load]);

  async function close() {
    setRefusal(null);
    try {
      await api('post', '/panels/{id}/close', { path: { id: panelId } });
      setClosed(true);
      load();
    } catch (error) {
      setRefusal(refusalOf(error));
    }
  }

  if (!progress || !scores) return <main>{refusal ? <ErrorBanner refusal={refusal} /> : <Loading />}</main>;
  const flagged = scores.entries.filter((e) => e.openFlag);
  return (
    <main>
      <h1>{L('Tiến độ hội đồng', 'Panel progress')}</h1>
      <p role="status">
        {progress.state === 'closed' ? L('Hội đồng đã đóng; điểm đã chốt.', 'The panel is closed; scores are final.') : L('Hội đồng đang chấm.', 'The panel is scoring.')}
        {closed && ' ' + L('Đã đóng hội đồng.', 'Panel closed.')}
      </p>
      <ErrorBanner refusal={refusal} />
      <h2>{L('Giám khảo', 'Judges')}</h2>
      <JudgeLoad progress={progress} />
      <h2>{L('Sản phẩm có cờ chênh lệch', 'Flagged entries')}</h2>
      {flagged.length === 0 ? <p>{L('Không có cờ nào đang mở.', 'No open flag.')}</p> : flagged.map((row) => <Flag key={row.entryId} panelId={panelId} row={row} onSettled={load} />)}
      <h2>{L('Điểm các sản phẩm', 'Scores')}</h2>
      <div className="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{L('Mã', 'Reference')}</th>
              <th scope="col">{L('Tên sản phẩm', 'Title')}</th>
              <th scope="col">{L('Tổng của giám khảo', 'Judges’ totals')}</th>
              <th scope="col">{L('Điểm', 'Score')}</th>
            </tr>
          </thead>
          <tbody>
            {scores.entries.map((row) => (
              <tr key={row.entryId}>
                <td>{row.reference}</td>
                <td>{row.title}</td>
                <td>{row.judges.map((j) => `${j.fullName}: ${j.total}`).join('; ')}</td>
                <td>{row.score ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {progress.state === 'open' && (
        <p>
          <button type="button" onClick={() => void close()}>
            {L('Đóng hội đồng', 'Close the panel')}
          </button>
        </p>
      )}
    </main>
  );
}

function Flag({ panelId, row, onSettled }: { panelId: string; row: Row; onSettled: () => void }) {
  const L = useL();
  const [action, setAction] = useState<'accepted' | 'rescore' | 'add_judge'>('accepted');
  const [judgeId, setJudgeId] = useState(row.judges[0]?.judgeId ?? '');
  const [note, setNote] = useState('');
  const [refusal, setRefusal] = useState<Refusal | null>(null);

  async function settle(event: FormEvent) {
    event.preventDefault();
    setRefusal(null);
    try {
      await api('post', '/panels/{id}/entries/{entryId}/flag/settle', { path: { id: panelId, entryId: row.entryId }, body: { action, note, ...(action === 'rescore' ? { judgeId } : {}) } });
      onSettled();
    } catch (error) {
      setRefusal(refusalOf(error, (field) => ['action', 'judgeId', 'note'].includes(field)));
    }
  }

  return (
    <section className="card" aria-label={`${row.reference} ${row.title}`}>
      <h3>
        {row.reference} · {row.title}
      </h3>
      <p>
        {L('Chênh lệch', 'Spread')}: {row.spread} — {row.judges.map((j) => `${j.fullName}: ${j.total}`).join('; ')}
      </p>
      <ErrorBanner refusal={refusal} />
      <form onSubmit={settle}>
        <Select label={L('Cách xử lý', 'Settlement')} name="action" refusal={refusal} value={action} onChange={(e) => setAction(e.target.value as typeof action)}>
          <option value="accepted">{L('Giữ nguyên điểm', 'Accept the scores')}</option>
          <option value="rescore">{L('Yêu cầu giám khảo chấm lại', 'A judge scores again')}</option>
          <option value="add_judge">{L('Thêm giám khảo', 'Add a judge')}</option>
        </Select>
        {action === 'rescore' && (
          <Select label={L('Giám khảo chấm lại', 'Judge to rescore')} name="judgeId" refusal={refusal} value={judgeId} onChange={(e) => setJudgeId(e.target.value)}>
            {row.judges.map((j) => (
              <option key={j.judgeId} value={j.judgeId}>
                {j.fullName}
              </option>
            ))}
          </Select>
        )}
        <TextField label={L('Ghi chú', 'Note')} name="note" refusal={refusal} value={note} onChange={(e) => setNote(e.target.value)} />
        <button type="submit">{L('Xử lý cờ', 'Settle the flag')}</button>
      </form>
    </section>
  );
}

/** Each judge's load and how far they are: assigned, drafted, confirmed. */
export function JudgeLoad({ progress }: { progress: Progress }) {
  const L = useL();
  return (
    <div className="scroll">
      <table data-testid={`load-${progress.panelId}`}>
        <thead>
          <tr>
            <th scope="col">{L('Giám khảo', 'Judge')}</th>
            <th scope="col">{L('Được phân', 'Assigned')}</th>
            <th scope="col">{L('Nháp', 'Drafts')}</th>
            <th scope="col">{L('Đã xác nhận', 'Confirmed')}</th>
          </tr>
        </thead>
        <tbody>
          {progress.judges.map((judge) => (
            <tr key={judge.judgeId}>
              <td>{judge.fullName}</td>
              <td>{judge.assigned}</td>
              <td>{judge.drafted}</td>
              <td>
                <progress max={judge.assigned || 1} value={judge.confirmed} aria-label={judge.fullName} /> {judge.confirmed}/{judge.assigned}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
