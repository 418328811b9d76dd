import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'wouter';
import { navigate } from 'wouter/use-browser-location';
import { api, ApiError } from '../api/client';
import { useL } from '../i18n';
import { ErrorBanner, Field, Loading, refusalOf, type Refusal } from '../ui/forms';
import { definitionOf, draftOf, getAt, isFrozen, placeOf, setAt, type Draft } from './edition-draft';
import { stateName } from './Editions';
import type { Edition } from './picker';

type L = (vi: string, en: string) => string;
type Row = Record<string, unknown>;

/** Everything an input needs from the form: its value by path, where its problems go, whether the state freezes it. */
interface Binding {
  draft: Draft;
  set: (path: string, value: unknown) => void;
  refusal: Refusal | null;
  frozen: (path: string) => boolean;
  /** Whether anything at or under `path` is kept: what replaces the whole part (turning prizes off) would change it. */
  frozenWithin: (path: string) => boolean;
  /** Collects the paths the page shows, so a refusal can place each problem. */
  places: Set<string>;
  /** The unit levels a stage may run at, as the API names them (code, name). */
  levels: Array<[string, string]>;
}

function Text({ b, path, label, hint, numeric }: { b: Binding; path: string; label: string; hint?: string; numeric?: boolean }) {
  b.places.add(path);
  return (
    <Field label={label} name={path} refusal={b.refusal} hint={hint}>
      {(props) => <input {...props} inputMode={numeric ? 'decimal' : undefined} value={String(getAt(b.draft, path) ?? '')} disabled={b.frozen(path)} onChange={(e) => b.set(path, e.target.value)} />}
    </Field>
  );
}

function Choice({ b, path, label, options }: { b: Binding; path: string; label: string; options: Array<[string, string]> }) {
  b.places.add(path);
  return (
    <Field label={label} name={path} refusal={b.refusal}>
      {(props) => (
        <select {...props} value={String(getAt(b.draft, path) ?? '')} disabled={b.frozen(path)} onChange={(e) => b.set(path, e.target.value)}>
          {options.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function Check({ b, path, label, checked, onChange }: { b: Binding; path: string; label: string; checked?: boolean; onChange?: (on: boolean) => void }) {
  // A box that stands for a whole part (prizes on or off) is locked when anything in the part is.
  const locked = onChange ? b.frozenWithin(path) : b.frozen(path);
  b.places.add(path);
  const error = b.refusal?.fields.get(path);
  return (
    <div className={error ? 'field check invalid' : 'field check'}>
      <label>
        <input
          type="checkbox"
          name={path}
          aria-invalid={!!error}
          checked={checked ?? getAt(b.draft, path) === true}
          disabled={locked}
          onChange={(e) => (onChange ?? ((on) => b.set(path, on)))(e.target.checked)}
        />{' '}
        {label}
      </label>
      {error && <small className="error">{error}</small>}
    </div>
  );
}

/** A problem the API names on a whole part (a list, a stage) rather than one input. */
function PartProblem({ b, path }: { b: Binding; path: string }) {
  b.places.add(path);
  const error = b.refusal?.fields.get(path);
  return error ? (
    <p className="error" role="alert" data-field={path}>
      {error}
    </p>
  ) : null;
}

/**
 * An ordered list of rows (fields, criteria, stages, prize levels): each row in its own group with move up, move
 * down and remove, and a button to add one. Rows are locked while the state keeps the list (`path[]` frozen); one
row cannot be removed while the API names it so (`stages[1]:remove`: its level has confirmed scores).
 */
function Rows({ b, path, noun, blank, children }: { b: Binding; path: string; noun: (i: number) => string; blank: () => Row; children: (at: string, i: number) => ReactNode }) {
  const L = useL();
  const rows = (getAt(b.draft, path) as Row[] | null) ?? [];
  const locked = b.frozen(`${path}[]`);
  const move = (from: number, to: number) => {
    const next = [...rows];
    next.splice(to, 0, ...next.splice(from, 1));
    b.set(path, next);
  };
  return (
    <>
      <PartProblem b={b} path={path} />
      {rows.map((_, i) => (
        <fieldset key={i} className="row">
          <legend>{noun(i)}</legend>
          <PartProblem b={b} path={`${path}[${i}]`} />
          <div className="row-fields">{children(`${path}[${i}]`, i)}</div>
          <div className="buttons">
            <button type="button" className="secondary" disabled={locked || i === 0} onClick={() => move(i, i - 1)} aria-label={L(`Đưa ${noun(i)} lên`, `Move ${noun(i)} up`)}>
              ↑
            </button>
            <button type="button" className="secondary" disabled={locked || i === rows.length - 1} onClick={() => move(i, i + 1)} aria-label={L(`Đưa ${noun(i)} xuống`, `Move ${noun(i)} down`)}>
              ↓
            </button>
            <button
              type="button"
              className="secondary"
              disabled={locked || b.frozen(`${path}[${i}]:remove`)}
              onClick={() =>
                b.set(
                  path,
                  rows.filter((__, j) => j !== i),
                )
              }
            >
              {L(`Xóa ${noun(i)}`, `Remove ${noun(i)}`)}
            </button>
          </div>
        </fieldset>
      ))}
      <p>
        <button type="button" className="secondary" disabled={locked} onClick={() => b.set(path, [...rows, blank()])}>
          {L(`Thêm ${noun(rows.length).replace(/ \d+$/, '')}`, `Add ${noun(rows.length).replace(/ \d+$/, '')}`)}
        </button>
      </p>
    </>
  );
}

const blankLevel = (): Row => ({ code: '', name: '', quotaKind: 'count', quota: '', minScore: '', scope: 'stage', prizeMoney: '' });
const blankStage = (): Row => ({
  name: '',
  levelCode: '',
  judged: true,
  judgesPerEntry: '',
  aggregation: 'mean',
  discrepancySpread: '',
  tieBreak: '',
  blind: false,
  normaliseBias: false,
  rejudgeMode: 'join',
  advancement: null,
  prizeScheme: null,
});

function Advancement({ b, at, L }: { b: Binding; at: string; L: L }) {
  const rule = getAt(b.draft, `${at}.advancement`) as Row | null;
  const kind = (rule?.kind as string | undefined) ?? '';
  const param = { top_n: ['count', L('Số bài mỗi đơn vị', 'Entries per unit')], threshold: ['minScore', L('Điểm tối thiểu', 'Minimum score')], top_percent: ['percent', L('Phần trăm', 'Percent')] }[
    kind
  ];
  b.places.add(`${at}.advancement.kind`);
  return (
    <fieldset>
      <legend>{L('Xét lên vòng sau', 'Going up to the next stage')}</legend>
      <PartProblem b={b} path={`${at}.advancement`} />
      <Field label={L('Cách xét', 'Rule')} name={`${at}.advancement.kind`} refusal={b.refusal}>
        {(props) => (
          <select
            {...props}
            value={kind}
            disabled={b.frozen(`${at}.advancement.kind`)}
            onChange={(e) => b.set(`${at}.advancement`, e.target.value ? { kind: e.target.value, perFieldCap: rule?.perFieldCap ?? '' } : null)}
          >
            <option value="">{L('Không xét (vòng cuối)', 'None (last stage)')}</option>
            <option value="pick">{L('Ban tổ chức chọn', 'Picked by the organisers')}</option>
            <option value="top_n">{L('N bài điểm cao nhất mỗi đơn vị', 'The N best of each unit')}</option>
            <option value="threshold">{L('Đạt điểm tối thiểu', 'Reaching a minimum score')}</option>
            <option value="top_percent">{L('Tỉ lệ bài cao điểm nhất mỗi đơn vị', 'The best percent of each unit')}</option>
          </select>
        )}
      </Field>
      {param && <Text b={b} path={`${at}.advancement.${param[0]}`} label={param[1]} numeric />}
      {rule && (
        <Text b={b} path={`${at}.advancement.perFieldCap`} label={L('Tối đa mỗi lĩnh vực mỗi đơn vị', 'At most per field and unit')} hint={L('Để trống: không giới hạn', 'Empty: no cap')} numeric />
      )}
    </fieldset>
  );
}

function Prizes({ b, at, L }: { b: Binding; at: string; L: L }) {
  const scheme = getAt(b.draft, `${at}.prizeScheme`);
  return (
    <fieldset>
      <legend>{L('Giải thưởng', 'Prizes')}</legend>
      <Check
        b={b}
        path={`${at}.prizeScheme`}
        label={L('Vòng này xét giải', 'This stage awards prizes')}
        checked={!!scheme}
        onChange={(on) => b.set(`${at}.prizeScheme`, on ? { levels: [blankLevel()], tiePolicy: 'all_get_level', passUnusedQuotaDown: false } : null)}
      />
      {!!scheme && (
        <>
          <Choice
            b={b}
            path={`${at}.prizeScheme.tiePolicy`}
            label={L('Bằng điểm ở ranh giới chỉ tiêu', 'A tie across a quota')}
            options={[
              ['all_get_level', L('Cùng nhận giải (vượt chỉ tiêu)', 'All get the level (over the quota)')],
              ['group_drops', L('Cả nhóm xuống giải dưới', 'The whole group drops a level')],
            ]}
          />
          <Check b={b} path={`${at}.prizeScheme.passUnusedQuotaDown`} label={L('Chỉ tiêu còn thừa chuyển xuống giải dưới', 'Unused quota passes to the next level')} />
          <Rows b={b} path={`${at}.prizeScheme.levels`} noun={(j) => L(`giải ${j + 1}`, `level ${j + 1}`)} blank={blankLevel}>
            {(lv) => (
              <>
                <Text b={b} path={`${lv}.code`} label={L('Mã', 'Code')} />
                <Text b={b} path={`${lv}.name`} label={L('Tên giải', 'Name')} />
                <Choice
                  b={b}
                  path={`${lv}.quotaKind`}
                  label={L('Loại chỉ tiêu', 'Quota kind')}
                  options={[
                    ['count', L('Số giải', 'A number')],
                    ['share', L('Tỉ lệ số bài (0–1)', 'A share of entries (0–1)')],
                  ]}
                />
                <Text b={b} path={`${lv}.quota`} label={L('Chỉ tiêu', 'Quota')} numeric />
                <Text b={b} path={`${lv}.minScore`} label={L('Điểm tối thiểu', 'Minimum score')} numeric />
                <Choice
                  b={b}
                  path={`${lv}.scope`}
                  label={L('Tính chỉ tiêu theo', 'Quota counted over')}
                  options={[
                    ['stage', L('Cả vòng', 'The whole stage')],
                    ['field', L('Từng lĩnh vực', 'Each field')],
                  ]}
                />
                <Text b={b} path={`${lv}.prizeMoney`} label={L('Tiền thưởng (đồng)', 'Prize money (VND)')} numeric />
              </>
            )}
          </Rows>
        </>
      )}
    </fieldset>
  );
}

/** The API's unit levels, and the stage's own code first if the list lacks it (a new stage's empty one, or a level since renamed), so the select never changes it unasked. */
function levelOptions(b: Binding, at: string, L: L): Array<[string, string]> {
  const current = String(getAt(b.draft, `${at}.levelCode`) ?? '');
  if (b.levels.some(([code]) => code === current)) return b.levels;
  return [[current, current ? L(`${current} (không có trong danh sách cấp)`, `${current} (not a listed level)`) : L('— Chọn cấp —', '— Choose a level —')], ...b.levels];
}

function Stage({ b, at, L }: { b: Binding; at: string; L: L }) {
  return (
    <>
      <Text b={b} path={`${at}.name`} label={L('Tên vòng', 'Name')} />
      <Choice b={b} path={`${at}.levelCode`} label={L('Cấp đơn vị', 'Unit level')} options={levelOptions(b, at, L)} />
      <Check b={b} path={`${at}.judged`} label={L('Có chấm điểm', 'Judged')} />
      <Text b={b} path={`${at}.judgesPerEntry`} label={L('Số giám khảo mỗi bài', 'Judges per entry')} numeric />
      <Choice
        b={b}
        path={`${at}.aggregation`}
        label={L('Cách tính điểm', 'Aggregation')}
        options={[
          ['mean', L('Trung bình', 'Mean')],
          ['trimmed_mean', L('Trung bình bỏ cao nhất và thấp nhất', 'Mean without highest and lowest')],
        ]}
      />
      <Text b={b} path={`${at}.discrepancySpread`} label={L('Chênh lệch tối đa giữa giám khảo', 'Largest spread between judges')} hint={L('Để trống: không kiểm tra', 'Empty: no check')} numeric />
      <Text b={b} path={`${at}.tieBreak`} label={L('Tiêu chí phân định khi bằng điểm', 'Criteria breaking ties')} hint={L('Mã tiêu chí, cách nhau bởi dấu phẩy', 'Criterion codes, comma-separated')} />
      <Check b={b} path={`${at}.blind`} label={L('Chấm ẩn danh', 'Blind judging')} />
      <Check b={b} path={`${at}.normaliseBias`} label={L('Chuẩn hóa điểm từng giám khảo', "Standardise each judge's totals")} />
      <Choice
        b={b}
        path={`${at}.rejudgeMode`}
        label={L('Điểm chấm lại', 'Re-judging scores')}
        options={[
          ['join', L('Cộng cùng điểm cũ', 'Join the earlier scores')],
          ['replace', L('Thay điểm cũ', 'Replace the earlier scores')],
        ]}
      />
      <Advancement b={b} at={at} L={L} />
      <Prizes b={b} at={at} L={L} />
    </>
  );
}

/**
 * Creates an edition of a contest (`contestId`, starting from its latest edition's definition) or edits one
 * (`editionId`): its dates and rules, fields, rubric and stages. Each refusal is shown beside what it names; what
 * the edition's state keeps (the API's `frozen`) cannot be typed into.
 */
export function EditionForm({ editionId, contestId }: { editionId?: string; contestId?: string }) {
  const L = useL();
  const [base, setBase] = useState<Edition | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [stale, setStale] = useState(false);
  const [saved, setSaved] = useState<Edition | null>(null);
  const [levels, setLevels] = useState<Array<[string, string]>>([]);

  async function load() {
    let id = editionId;
    if (!id) {
      const page = await api('get', '/editions', { query: { contestId, pageSize: 100, includeArchived: false } });
      id = [...page.items].sort((a, b) => b.number - a.number)[0]?.id;
      if (!id) throw new Error(L('Cuộc thi chưa có lần nào để làm mẫu.', 'The contest has no edition to start from.'));
    }
    const loaded = await api('get', '/editions/{id}', { path: { id } });
    setBase(loaded);
    setDraft(editionId ? draftOf(loaded) : { ...draftOf(loaded), number: String(loaded.number + 1), seasonLabel: '', registrationOpensAt: '', registrationClosesAt: '' });
  }

  useEffect(() => {
    load().catch((error) => setRefusal(refusalOf(error)));
  }, [editionId, contestId]);

  useEffect(() => {
    api('get', '/unit-levels', {})
      .then((list) => setLevels(list.map((level) => [level.code, level.name])))
      .catch((error) => setRefusal(refusalOf(error)));
  }, []);

  if (!base || !draft) return <main>{refusal ? <ErrorBanner refusal={refusal} /> : <Loading />}</main>;
  // A new edition starts as a draft: nothing of it is frozen. An archived one takes no change at all.
  const frozen = new Set(editionId ? base.frozen : []);
  const b: Binding = {
    draft,
    set: (path, value) => setDraft(setAt(draft, path, value)),
    refusal,
    frozen: (path) => !!base.archivedAt || isFrozen(frozen, path),
    frozenWithin: (path) => !!base.archivedAt || isFrozen(frozen, path) || [...frozen].some((at) => at.startsWith(`${path}.`) || at.startsWith(`${path}[`)),
    places: new Set(),
    levels,
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setRefusal(null);
    setSaved(null);
    setStale(false);
    try {
      const definition = definitionOf(draft!);
      const edition = editionId
        ? await api('put', '/editions/{id}', { path: { id: editionId }, body: { ...definition, version: base!.version } })
        : await api('post', '/contests/{id}/editions', { path: { id: base!.contestId }, body: definition });
      if (!editionId) return navigate(`/to-chuc/cuoc-thi/${edition.id}`);
      setBase(edition);
      setDraft(draftOf(edition));
      setSaved(edition);
    } catch (error) {
      const stale = error instanceof ApiError && error.body.code === 'STALE_VERSION';
      setStale(stale);
      // A stale save is about the whole edition, not the `version` it names: the message and the reload say it all.
      setRefusal(stale ? { ...refusalOf(error), others: [] } : refusalOf(error, (field) => placeOf(b.places, field)));
    }
  }

  async function reload() {
    setRefusal(null);
    setStale(false);
    await load().catch((error) => setRefusal(refusalOf(error)));
  }

  const youth = getAt(draft, 'eligibility.kind') === 'youth';
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
        {editionId && frozen.size > 0 && <span className="hint"> — {L('các ô bị khóa không còn sửa được ở giai đoạn này', 'locked inputs can no longer change in this state')}</span>}
        {base.archivedAt && <span className="hint"> — {L('đã lưu trữ, không sửa được', 'archived, cannot change')}</span>}
      </p>
      <ErrorBanner refusal={refusal} />
      {stale && (
        <p className="buttons">
          <button type="button" onClick={() => void reload()}>
            {L('Tải lại bản mới nhất (bỏ thay đổi của bạn)', 'Reload the latest (drops your changes)')}
          </button>
        </p>
      )}
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
      <form onSubmit={submit} noValidate className="edition">
        <section>
          <h2>{L('Thông tin chung', 'General')}</h2>
          <Text b={b} path="number" label={L('Lần thứ', 'Edition number')} numeric />
          <Text b={b} path="seasonLabel" label={L('Mùa thi', 'Season')} />
          <Text b={b} path="registrationOpensAt" label={L('Mở đăng ký', 'Registration opens')} hint="DD/MM/YYYY HH:mm" />
          <Text b={b} path="registrationClosesAt" label={L('Đóng đăng ký', 'Registration closes')} hint="DD/MM/YYYY HH:mm" />
          <Text b={b} path="maxAuthors" label={L('Số tác giả tối đa', 'Most authors an entry')} numeric />
          <Text b={b} path="plannedEntries" label={L('Kế hoạch số sản phẩm', 'Planned entries')} numeric />
        </section>
        <section>
          <h2>{L('Điều kiện dự thi', 'Eligibility')}</h2>
          <PartProblem b={b} path="eligibility" />
          {youth ? (
            <>
              <Text b={b} path="eligibility.bornFrom" label={L('Tác giả sinh từ ngày', 'Authors born from')} hint="DD/MM/YYYY" />
              <Text b={b} path="eligibility.bornTo" label={L('Tác giả sinh đến ngày', 'Authors born until')} hint="DD/MM/YYYY" />
            </>
          ) : (
            <Text b={b} path="eligibility.createdFromYear" label={L('Giải pháp tạo ra từ năm', 'Solutions created from the year')} numeric />
          )}
        </section>
        <section>
          <h2>{L('Lĩnh vực', 'Fields')}</h2>
          <Rows b={b} path="fields" noun={(i) => L(`lĩnh vực ${i + 1}`, `field ${i + 1}`)} blank={() => ({ code: '', name: '' })}>
            {(at) => (
              <>
                <Text b={b} path={`${at}.code`} label={L('Mã', 'Code')} />
                <Text b={b} path={`${at}.name`} label={L('Tên lĩnh vực', 'Name')} />
              </>
            )}
          </Rows>
        </section>
        <section>
          <h2>{L('Tiêu chí chấm', 'Rubric')}</h2>
          <Rows b={b} path="rubric" noun={(i) => L(`tiêu chí ${i + 1}`, `criterion ${i + 1}`)} blank={() => ({ code: '', name: '', maxPoints: '' })}>
            {(at) => (
              <>
                <Text b={b} path={`${at}.code`} label={L('Mã', 'Code')} />
                <Text b={b} path={`${at}.name`} label={L('Tên tiêu chí', 'Name')} />
                <Text b={b} path={`${at}.maxPoints`} label={L('Điểm tối đa', 'Maximum points')} numeric />
              </>
            )}
          </Rows>
        </section>
        <section>
          <h2>{L('Các vòng', 'Stages')}</h2>
          <Rows b={b} path="stages" noun={(i) => L(`vòng ${i + 1}`, `stage ${i + 1}`)} blank={blankStage}>
            {(at) => <Stage b={b} at={at} L={L} />}
          </Rows>
        </section>
        <p className="buttons">
          <button type="submit" disabled={!!base.archivedAt}>
            {editionId ? L('Lưu', 'Save') : L('Tạo lần mới', 'Create the edition')}
          </button>
        </p>
      </form>
    </main>
  );
}
