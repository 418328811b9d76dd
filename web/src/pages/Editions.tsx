import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { navigate } from 'wouter/use-browser-location';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { formatDate, formatDateTime, parseDateTime, useL } from '../i18n';
import { ErrorBanner, Loading, refusalOf, TextField, type Refusal } from '../ui/forms';
import { editionName, useEditions, type Edition } from './picker';

type Contest = components['schemas']['ContestView'];
type Definition = components['schemas']['CreateEditionDto'];

const stateName = (state: Edition['state'], L: (vi: string, en: string) => string) =>
  ({
    draft: L('Bản nháp', 'Draft'),
    registration: L('Nhận đăng ký', 'Registration'),
    judging: L('Chấm thi', 'Judging'),
    results: L('Kết quả', 'Results'),
    closed: L('Đã kết thúc', 'Closed'),
  })[state];

/** The editions in the organiser's scope, with a way to add one to a contest. */
export function Editions() {
  const L = useL();
  const [editions, refusal] = useEditions();
  const [contests, setContests] = useState<Contest[]>([]);
  useEffect(() => {
    api('get', '/contests', { query: { pageSize: 100 } })
      .then((page) => setContests(page.items))
      .catch(() => setContests([]));
  }, []);
  return (
    <main>
      <h1>{L('Các lần tổ chức cuộc thi', 'Contest editions')}</h1>
      <ErrorBanner refusal={refusal} />
      {!editions && !refusal && <Loading />}
      {editions && (
        <div className="scroll">
          <table data-testid="editions">
            <thead>
              <tr>
                <th scope="col">{L('Cuộc thi', 'Edition')}</th>
                <th scope="col">{L('Nhận đăng ký', 'Registration')}</th>
                <th scope="col">{L('Giai đoạn', 'State')}</th>
                <th scope="col">
                  <span className="visually-hidden">{L('Thao tác', 'Actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {editions.map((e) => (
                <tr key={e.id}>
                  <td>{editionName(e)}</td>
                  <td>
                    {formatDate(e.registrationOpensAt)} – {formatDate(e.registrationClosesAt)}
                  </td>
                  <td>{stateName(e.state, L)}</td>
                  <td>
                    <Link href={`/to-chuc/cuoc-thi/${e.id}`} aria-label={L(`Sửa ${editionName(e)}`, `Edit ${editionName(e)}`)}>
                      {L('Sửa', 'Edit')}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>{L('Thêm lần tổ chức', 'Add an edition')}</h2>
      <ul>
        {contests.map((c) => (
          <li key={c.id}>
            <Link href={`/to-chuc/cuoc-thi/moi/${c.id}`}>{c.name}</Link>
          </li>
        ))}
      </ul>
    </main>
  );
}

interface Form {
  number: string;
  seasonLabel: string;
  registrationOpensAt: string;
  registrationClosesAt: string;
  maxAuthors: string;
  plannedEntries: string;
}

/** The definition an edition is saved with: the form's fields over the rest of `base` (fields, rubric, stages, eligibility). */
function definitionOf(base: Edition, form: Form): Definition {
  const integer = (text: string) => (text.trim() === '' ? (undefined as unknown as number) : Number(text));
  return {
    number: integer(form.number),
    seasonLabel: form.seasonLabel,
    registrationOpensAt: parseDateTime(form.registrationOpensAt),
    registrationClosesAt: parseDateTime(form.registrationClosesAt),
    maxAuthors: integer(form.maxAuthors),
    plannedEntries: form.plannedEntries.trim() === '' ? null : Number(form.plannedEntries),
    eligibility: base.eligibility,
    fields: base.fields.map(({ code, name }) => ({ code, name })),
    rubric: base.rubric.map(({ code, name, maxPoints }) => ({ code, name, maxPoints })),
    stages: base.stages.map(({ id: _id, position: _position, ...stage }) => stage),
  };
}

/**
 * Creates an edition of a contest (`contestId`, starting from its latest edition's definition) or edits one
 * (`editionId`). Each refusal is shown beside the field it names; the rest of the definition is listed read-only.
 */
export function EditionForm({ editionId, contestId }: { editionId?: string; contestId?: string }) {
  const L = useL();
  const [base, setBase] = useState<Edition | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [saved, setSaved] = useState<Edition | null>(null);

  useEffect(() => {
    (async () => {
      let id = editionId;
      if (!id) {
        const page = await api('get', '/editions', { query: { contestId, pageSize: 100, includeArchived: false } });
        id = [...page.items].sort((a, b) => b.number - a.number)[0]?.id;
        if (!id) throw new Error(L('Cuộc thi chưa có lần nào để làm mẫu.', 'The contest has no edition to start from.'));
      }
      const loaded = await api('get', '/editions/{id}', { path: { id } });
      setBase(loaded);
      setForm({
        number: String(editionId ? loaded.number : loaded.number + 1),
        seasonLabel: editionId ? loaded.seasonLabel : '',
        registrationOpensAt: editionId ? formatDateTime(loaded.registrationOpensAt) : '',
        registrationClosesAt: editionId ? formatDateTime(loaded.registrationClosesAt) : '',
        maxAuthors: String(loaded.maxAuthors),
        plannedEntries: loaded.plannedEntries === null ? '' : String(loaded.plannedEntries),
      });
    })().catch((error) => setRefusal(refusalOf(error)));
  }, [editionId, contestId]);

  if (!base || !form) return <main>{refusal ? <ErrorBanner refusal={refusal} /> : <Loading />}</main>;
  const shown = (field: string) => field in form;
  const set = (change: Partial<Form>) => setForm({ ...form, ...change });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setRefusal(null);
    setSaved(null);
    try {
      const definition = definitionOf(base!, form!);
      const edition = editionId
        ? await api('put', '/editions/{id}', { path: { id: editionId }, body: { ...definition, version: base!.version } })
        : await api('post', '/contests/{id}/editions', { path: { id: base!.contestId }, body: definition });
      if (!editionId) return navigate(`/to-chuc/cuoc-thi/${edition.id}`);
      setBase(edition);
      setSaved(edition);
    } catch (error) {
      setRefusal(refusalOf(error, shown));
    }
  }

  return (
    <main>
      <p>
        <Link href="/to-chuc/cuoc-thi">← {L('Các lần tổ chức', 'Editions')}</Link>
      </p>
      <h1>
        {editionId ? L(`Sửa: ${base.contestName} — lần ${base.number}`, `Edit: ${base.contestName} — edition ${base.number}`) : L(`Lần mới: ${base.contestName}`, `New edition: ${base.contestName}`)}
      </h1>
      <p>
        {L('Giai đoạn', 'State')}: {stateName(base.state, L)}
      </p>
      <ErrorBanner refusal={refusal} />
      {saved && (
        <p role="status" className="notice">
          {L(`Đã lưu (phiên bản ${saved.version}).`, `Saved (version ${saved.version}).`)}
        </p>
      )}
      {base.warnings.length > 0 && (
        <ul className="hint">
          {base.warnings.map((w) => (
            <li key={w.field + w.code}>
              {w.field}: {w.reason}
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit} noValidate className="narrow">
        <TextField label={L('Lần thứ', 'Edition number')} name="number" refusal={refusal} inputMode="numeric" value={form.number} onChange={(e) => set({ number: e.target.value })} />
        <TextField label={L('Mùa thi', 'Season')} name="seasonLabel" refusal={refusal} placeholder="2021-2022" value={form.seasonLabel} onChange={(e) => set({ seasonLabel: e.target.value })} />
        <TextField
          label={L('Mở đăng ký', 'Registration opens')}
          name="registrationOpensAt"
          refusal={refusal}
          hint="DD/MM/YYYY HH:mm"
          placeholder="01/03/2017 00:00"
          value={form.registrationOpensAt}
          onChange={(e) => set({ registrationOpensAt: e.target.value })}
        />
        <TextField
          label={L('Đóng đăng ký', 'Registration closes')}
          name="registrationClosesAt"
          refusal={refusal}
          hint="DD/MM/YYYY HH:mm"
          placeholder="31/07/2017 17:00"
          value={form.registrationClosesAt}
          onChange={(e) => set({ registrationClosesAt: e.target.value })}
        />
        <TextField
          label={L('Số tác giả tối đa', 'Most authors an entry')}
          name="maxAuthors"
          refusal={refusal}
          inputMode="numeric"
          value={form.maxAuthors}
          onChange={(e) => set({ maxAuthors: e.target.value })}
        />
        <TextField
          label={L('Kế hoạch số sản phẩm', 'Planned entries')}
          name="plannedEntries"
          refusal={refusal}
          inputMode="numeric"
          value={form.plannedEntries}
          onChange={(e) => set({ plannedEntries: e.target.value })}
        />
        <button type="submit">{editionId ? L('Lưu', 'Save') : L('Tạo lần mới', 'Create the edition')}</button>
      </form>
      <h2>{L('Lĩnh vực, tiêu chí và các vòng', 'Fields, rubric and stages')}</h2>
      <p className="hint">{editionId ? L('Giữ như hiện có.', 'Kept as they are.') : L('Lấy theo lần gần nhất.', 'Taken from the latest edition.')}</p>
      <dl className="facts">
        <dt>{L('Lĩnh vực', 'Fields')}</dt>
        <dd>{base.fields.map((f) => f.name).join('; ')}</dd>
        <dt>{L('Tiêu chí', 'Rubric')}</dt>
        <dd>{base.rubric.map((c) => `${c.name} (${c.maxPoints})`).join('; ')}</dd>
        <dt>{L('Các vòng', 'Stages')}</dt>
        <dd>{base.stages.map((s) => s.name).join(' → ')}</dd>
      </dl>
    </main>
  );
}
