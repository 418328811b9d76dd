import { useState, type FormEvent } from 'react';
import { api, download } from '../api/client';
import { formatVnd, useL } from '../i18n';
import { ErrorBanner, Loading, refusalOf, type Refusal } from '../ui/forms';
import { useStageAtUnit } from './picker';
import type { components } from '../api/schema';

type SeasonReport = components['schemas']['SeasonReportView'];

const number = (n: number) => n.toLocaleString('vi-VN');

/** Horizontal bars in plain SVG: one row a label, its bar and its figure; the table beside it carries the same numbers. */
function Bars({ title, rows }: { title: string; rows: Array<{ label: string; value: number }> }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const row = 28;
  return (
    <figure className="chart">
      <svg role="img" aria-label={`${title}: ${rows.map((r) => `${r.label} ${number(r.value)}`).join('; ')}`} viewBox={`0 0 320 ${rows.length * row}`} width="100%" preserveAspectRatio="xMinYMin meet">
        {rows.map((r, i) => (
          <g key={r.label} transform={`translate(0 ${i * row})`}>
            <text x="0" y="17" fontSize="12">
              {r.label.length > 18 ? `${r.label.slice(0, 17)}…` : r.label}
            </text>
            <rect x="120" y="5" height="16" width={(160 * r.value) / max} fill="#0b3d73" />
            <text x={124 + (160 * r.value) / max} y="17" fontSize="12">
              {number(r.value)}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}

/** The share of the plan reached, as a ring. */
function Ring({ percent, title }: { percent: number; title: string }) {
  const r = 40;
  const length = 2 * Math.PI * r;
  const shown = Math.min(100, percent);
  return (
    <figure className="chart ring">
      <svg role="img" aria-label={`${title}: ${percent.toLocaleString('vi-VN')}%`} viewBox="0 0 100 100" width="120" height="120">
        <circle cx="50" cy="50" r={r} fill="none" stroke="#c8c8c8" strokeWidth="12" />
        <circle cx="50" cy="50" r={r} fill="none" stroke="#2e7d32" strokeWidth="12" strokeDasharray={`${(length * shown) / 100} ${length}`} transform="rotate(-90 50 50)" />
        <text x="50" y="55" textAnchor="middle" fontSize="16" fontWeight="700">
          {percent.toLocaleString('vi-VN')}%
        </text>
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}

/** The season report of an edition at a unit: tables, and the same figures drawn. */
export function Report() {
  const L = useL();
  const { editions, edition, refusal: pickRefusal, unitId, fields } = useStageAtUnit(null);
  const [report, setReport] = useState<SeasonReport | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);

  async function show(event: FormEvent) {
    event.preventDefault();
    setRefusal(null);
    try {
      setReport(await api('get', '/editions/{id}/report', { path: { id: edition!.id }, query: { unitId } }));
    } catch (error) {
      setRefusal(refusalOf(error));
    }
  }

  const fieldName = (code: string) => edition?.fields.find((f) => f.code === code)?.name ?? code;
  const fieldCodes = report ? [...new Set(report.stages.flatMap((s) => s.prizes.byLevel.flatMap((l) => Object.keys(l.byField))))] : [];
  return (
    <main>
      <h1>{L('Báo cáo tổng kết', 'Season report')}</h1>
      <ErrorBanner refusal={pickRefusal ?? refusal} />
      {!editions && !pickRefusal && <Loading />}
      {editions && (
        <form className="filters" onSubmit={show}>
          {fields(refusal)}
          <button type="submit">{L('Xem báo cáo', 'Show the report')}</button>
        </form>
      )}
      {report && (
        <>
          <h2>
            {report.edition.contestName} — {L('lần', 'edition')} {report.edition.number} ({report.edition.seasonLabel}) · {report.unit.name}
          </h2>
          <p className="buttons">
            <button
              type="button"
              className="secondary"
              onClick={() => void download('/editions/{id}/report.xlsx', { path: { id: report.edition.id }, query: { unitId } }).catch((e) => setRefusal(refusalOf(e)))}
            >
              {L('Tải Excel', 'Download Excel')}
            </button>
          </p>
          <dl className="facts" data-testid="report-facts">
            <dt>{L('Đơn vị tham gia', 'Units taking part')}</dt>
            <dd>{number(report.unitsTakingPart)}</dd>
            <dt>{L('Sản phẩm đăng ký', 'Entries registered')}</dt>
            <dd>{number(report.entriesRegistered)}</dd>
            <dt>{L('Kế hoạch', 'Plan')}</dt>
            <dd>{report.edition.plannedEntries === null ? '—' : number(report.edition.plannedEntries)}</dd>
            <dt>{L('Đạt so với kế hoạch', 'Against the plan')}</dt>
            <dd>{report.achievementPercent === null ? '—' : `${report.achievementPercent.toLocaleString('vi-VN')}%`}</dd>
            <dt>{L('Tổng tiền thưởng', 'Prize money')}</dt>
            <dd>{formatVnd(report.prizeMoney)}</dd>
          </dl>
          <div className="charts">
            <Bars title={L('Sản phẩm theo vòng', 'Entries per stage')} rows={report.stages.map((s) => ({ label: s.name, value: s.entries }))} />
            <Bars
              title={L('Giải theo mức', 'Prizes per level')}
              rows={report.stages.flatMap((s) =>
                s.prizes.byLevel.map((l) => ({ label: report.stages.filter((x) => x.prizes.total > 0).length > 1 ? `${s.name}: ${l.name}` : l.name, value: l.count })),
              )}
            />
            <Bars
              title={L('Giải theo lĩnh vực', 'Prizes per field')}
              rows={fieldCodes.map((code) => ({ label: fieldName(code), value: report.stages.reduce((sum, s) => sum + s.prizes.byLevel.reduce((n, l) => n + (l.byField[code] ?? 0), 0), 0) }))}
            />
            {report.achievementPercent !== null && <Ring percent={report.achievementPercent} title={L('Đạt so với kế hoạch', 'Against the plan')} />}
          </div>
          <h3>{L('Sản phẩm theo vòng', 'Entries per stage')}</h3>
          <div className="scroll">
            <table data-testid="report-stages">
              <thead>
                <tr>
                  <th scope="col">{L('Vòng', 'Stage')}</th>
                  <th scope="col">{L('Sản phẩm', 'Entries')}</th>
                  <th scope="col">{L('Chuyển lên vòng trên', 'Sent up')}</th>
                  <th scope="col">{L('Số giải', 'Prizes')}</th>
                  <th scope="col">{L('Tiền thưởng', 'Prize money')}</th>
                </tr>
              </thead>
              <tbody>
                {report.stages.map((s) => (
                  <tr key={s.id}>
                    <td>{s.name}</td>
                    <td>{number(s.entries)}</td>
                    <td>{number(s.sentUp)}</td>
                    <td>{number(s.prizes.total)}</td>
                    <td>{formatVnd(s.prizes.prizeMoney)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>{L('Giải theo mức và lĩnh vực', 'Prizes per level and field')}</h3>
          <div className="scroll">
            <table data-testid="report-prizes">
              <thead>
                <tr>
                  <th scope="col">{L('Vòng', 'Stage')}</th>
                  <th scope="col">{L('Mức giải', 'Level')}</th>
                  {fieldCodes.map((code) => (
                    <th scope="col" key={code}>
                      {fieldName(code)}
                    </th>
                  ))}
                  <th scope="col">{L('Tổng', 'Total')}</th>
                  <th scope="col">{L('Tiền thưởng', 'Prize money')}</th>
                </tr>
              </thead>
              <tbody>
                {report.stages.flatMap((s) =>
                  s.prizes.byLevel.map((l) => (
                    <tr key={s.id + l.code}>
                      <td>{s.name}</td>
                      <td>{l.name}</td>
                      {fieldCodes.map((code) => (
                        <td key={code}>{number(l.byField[code] ?? 0)}</td>
                      ))}
                      <td>{number(l.count)}</td>
                      <td>{formatVnd(l.prizeMoney)}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </div>
        </>
      )}
    </main>
  );
}
