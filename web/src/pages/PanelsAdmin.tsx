import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { formatDateTime, parseDateTime, useL } from '../i18n';
import { ErrorBanner, Loading, refusalOf, Select, TextField, type Refusal } from '../ui/forms';
import { JudgeLoad } from './Chair';
import { useStageAtUnit } from './picker';

type PanelSummary = components['schemas']['PanelSummaryView'];
type Progress = components['schemas']['ProgressView'];

type User = components['schemas']['UserView'];

/** The organiser's panels: each judge's load and progress, seating judges, the assignment, and a new panel. */
export function PanelsAdmin() {
  const L = useL();
  const [panels, setPanels] = useState<Array<{ panel: PanelSummary; progress: Progress }> | null>(null);
  const [users, setUsers] = useState<User[]>([]);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(() => {
    (async () => {
      const page = await api('get', '/panels', { query: { pageSize: 100 } });
      const mine = page.items.filter((p) => p.organiser);
      const progress = await Promise.all(mine.map((p) => api('get', '/panels/{id}/progress', { path: { id: p.id } })));
      setPanels(mine.map((panel, i) => ({ panel, progress: progress[i] })));
    })().catch((error) => setRefusal(refusalOf(error)));
  }, []);
  useEffect(load, [load]);
  useEffect(() => {
    api('get', '/users', { query: { pageSize: 200 } })
      .then((page) => setUsers(page.items.filter((u) => u.grants.some((g) => g.role === 'judge' || g.role === 'chair'))))
      .catch(() => setUsers([]));
  }, []);

  async function act(work: () => Promise<string>) {
    setRefusal(null);
    setNotice(null);
    try {
      setNotice(await work());
      load();
    } catch (error) {
      setRefusal(refusalOf(error, (field) => ['name', 'fieldCodes', 'scoringOpensAt', 'scoringClosesAt', 'stageId', 'unitId'].includes(field)));
    }
  }

  const assign = (panel: PanelSummary) =>
    act(async () => {
      await api('post', '/panels/{id}/assignment', { path: { id: panel.id } });
      return L(`Đã phân công chấm cho ${panel.name}.`, `${panel.name}: entries assigned.`);
    });

  return (
    <main>
      <h1>{L('Hội đồng và phân công chấm', 'Panels and assignment')}</h1>
      <ErrorBanner refusal={refusal} />
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      {!panels && !refusal && <Loading />}
      {panels?.length === 0 && <p>{L('Chưa có hội đồng nào.', 'No panel yet.')}</p>}
      {panels?.map(({ panel, progress }) => {
        const entries = progress.entries.length;
        const done = progress.entries.filter((e) => e.confirmed >= progress.judgesPerEntry).length;
        return (
          <section key={panel.id} aria-labelledby={`panel-${panel.id}`} className="card">
            <h2 id={`panel-${panel.id}`}>{panel.name}</h2>
            <p>
              {L('Chấm điểm', 'Scoring')}: {formatDateTime(panel.scoringOpensAt)} – {formatDateTime(panel.scoringClosesAt)} · {panel.state === 'open' ? L('đang mở', 'open') : L('đã đóng', 'closed')}
            </p>
            <p>
              {L(
                `${done}/${entries} sản phẩm đủ ${progress.judgesPerEntry} điểm đã xác nhận; ${progress.entries.filter((e) => e.openFlag).length} cờ đang mở.`,
                `${done}/${entries} entries have ${progress.judgesPerEntry} confirmed scores; ${progress.entries.filter((e) => e.openFlag).length} open flags.`,
              )}
            </p>
            <JudgeLoad progress={progress} />
            {panel.state === 'open' && <AddMember panel={panel} users={users} act={act} />}
            <p className="buttons">
              {panel.state === 'open' && (
                <button type="button" onClick={() => void assign(panel)}>
                  {L('Phân công chấm', 'Assign entries')}
                </button>
              )}
              <Link href={`/hoi-dong/${panel.id}`}>{L('Điểm và cờ chênh lệch', 'Scores and flags')}</Link>
            </p>
          </section>
        );
      })}
      <NewPanel act={act} refusal={refusal} />
    </main>
  );
}

function AddMember({ panel, users, act }: { panel: PanelSummary; users: User[]; act: (work: () => Promise<string>) => Promise<void> }) {
  const L = useL();
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<'judge' | 'chair'>('judge');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void act(async () => {
      await api('post', '/panels/{id}/members', { path: { id: panel.id }, body: { userId, role } });
      return L('Đã thêm thành viên hội đồng.', 'Member added.');
    });
  };
  return (
    <form className="filters" onSubmit={submit} aria-label={L(`Thêm thành viên: ${panel.name}`, `Add a member: ${panel.name}`)}>
      <Select label={L('Tài khoản', 'Account')} name="userId" refusal={null} value={userId} onChange={(e) => setUserId(e.target.value)}>
        <option value="">{L('— chọn —', '— choose —')}</option>
        {users.map((u) => (
          <option key={u.id} value={u.id}>
            {u.fullName} ({u.email})
          </option>
        ))}
      </Select>
      <Select label={L('Vai trò', 'Role')} name="role" refusal={null} value={role} onChange={(e) => setRole(e.target.value as 'judge' | 'chair')}>
        <option value="judge">{L('Giám khảo', 'Judge')}</option>
        <option value="chair">{L('Trưởng ban', 'Chair')}</option>
      </Select>
      <button type="submit" className="secondary">
        {L('Thêm vào hội đồng', 'Add to the panel')}
      </button>
    </form>
  );
}

function NewPanel({ act, refusal }: { act: (work: () => Promise<string>) => Promise<void>; refusal: Refusal | null }) {
  const L = useL();
  const { editions, edition, stageId, unitId, fields } = useStageAtUnit((s) => s.judged);
  const [name, setName] = useState('');
  const [fieldCodes, setFieldCodes] = useState<string[]>([]);
  const [opensAt, setOpensAt] = useState('');
  const [closesAt, setClosesAt] = useState('');
  if (!editions) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void act(async () => {
      const panel = await api('post', '/stages/{stageId}/panels', {
        path: { stageId },
        body: { unitId, name, fieldCodes, scoringOpensAt: parseDateTime(opensAt), scoringClosesAt: parseDateTime(closesAt) },
      });
      setName('');
      return L(`Đã lập ${panel.name}.`, `${panel.name} formed.`);
    });
  };
  const toggle = (code: string) => setFieldCodes((now) => (now.includes(code) ? now.filter((c) => c !== code) : [...now, code]));
  return (
    <section aria-labelledby="new-panel">
      <h2 id="new-panel">{L('Lập hội đồng mới', 'Form a panel')}</h2>
      <form onSubmit={submit} noValidate>
        <div className="filters">{fields(refusal)}</div>
        <TextField label={L('Tên hội đồng', 'Panel name')} name="name" refusal={refusal} value={name} onChange={(e) => setName(e.target.value)} />
        <fieldset className={refusal?.fields.get('fieldCodes') ? 'invalid' : undefined}>
          <legend>{L('Lĩnh vực chấm', 'Fields scored')}</legend>
          {edition?.fields.map((f) => (
            <label key={f.code} className="check">
              <input type="checkbox" checked={fieldCodes.includes(f.code)} onChange={() => toggle(f.code)} /> {f.name}
            </label>
          ))}
          {refusal?.fields.get('fieldCodes') && <small className="error">{refusal.fields.get('fieldCodes')}</small>}
        </fieldset>
        <div className="filters">
          <TextField
            label={L('Mở chấm', 'Scoring opens')}
            name="scoringOpensAt"
            refusal={refusal}
            hint="DD/MM/YYYY HH:mm"
            placeholder="10/08/2017 08:00"
            value={opensAt}
            onChange={(e) => setOpensAt(e.target.value)}
          />
          <TextField
            label={L('Đóng chấm', 'Scoring closes')}
            name="scoringClosesAt"
            refusal={refusal}
            hint="DD/MM/YYYY HH:mm"
            placeholder="20/08/2017 17:00"
            value={closesAt}
            onChange={(e) => setClosesAt(e.target.value)}
          />
        </div>
        <button type="submit">{L('Lập hội đồng', 'Form the panel')}</button>
      </form>
    </section>
  );
}
