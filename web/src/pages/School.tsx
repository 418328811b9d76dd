import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { formatDate, useL } from '../i18n';
import { ErrorBanner, Loading, refusalOf, type Refusal } from '../ui/forms';

type EntryHistory = components['schemas']['EntryHistoryView'];

type Edition = components['schemas']['EditionSummaryView'];
type Entry = components['schemas']['EntrySummaryView'];

/** A school's entries for each edition past its draft: registration, then judging, then its results. */
export function School() {
  const L = useL();
  const [editions, setEditions] = useState<Array<{ edition: Edition; entries: Entry[] }> | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    (async () => {
      const page = await api('get', '/editions', { query: { pageSize: 50 } });
      const out = [];
      for (const edition of page.items.filter((e) => e.state !== 'draft')) {
        const entries = await api('get', '/entries', { query: { editionId: edition.id, pageSize: 500 } });
        out.push({ edition, entries: entries.items });
      }
      setEditions(out);
    })().catch((error) => setRefusal(refusalOf(error)));
  }, [reload]);

  async function withdraw(entry: Entry) {
    if (!confirm(L(`Rút sản phẩm “${entry.title}” khỏi cuộc thi?`, `Withdraw “${entry.title}” from the contest?`))) return;
    try {
      await api('post', '/entries/{id}/withdraw', { path: { id: entry.id } });
      setReload((n) => n + 1);
    } catch (error) {
      setRefusal(refusalOf(error));
    }
  }

  return (
    <main>
      <h1>{L('Sản phẩm dự thi của trường', 'Our entries')}</h1>
      <ErrorBanner refusal={refusal} />
      {!editions && !refusal && <Loading />}
      {editions?.length === 0 && <p>{L('Hiện không có cuộc thi nào.', 'No contest is running now.')}</p>}
      {editions?.map(({ edition, entries }) => (
        <section key={edition.id} aria-labelledby={`ed-${edition.id}`}>
          <h2 id={`ed-${edition.id}`}>
            {edition.contestName} — {L('lần', 'edition')} {edition.number} ({edition.seasonLabel})
          </h2>
          <p>
            {L('Nhận đăng ký', 'Registration')}: {formatDate(edition.registrationOpensAt)} – {formatDate(edition.registrationClosesAt)}
          </p>
          <p className="buttons">
            {edition.openForRegistration && (
              <>
                <Link className="button" href={`/truong/${edition.id}/dang-ky`}>
                  {L('Đăng ký sản phẩm', 'Register an entry')}
                </Link>
                <Link className="button secondary" href={`/truong/${edition.id}/nhap-tep`}>
                  {L('Đăng ký theo tệp', 'Register from a file')}
                </Link>
              </>
            )}
            {(edition.state === 'results' || edition.state === 'closed') && entries.length > 0 && (
              <Link className="button" href={`/truong/${edition.id}/ket-qua`}>
                {L('Xem kết quả', 'See the results')}
              </Link>
            )}
          </p>
          {entries.length === 0 ? (
            <p>{L('Chưa có sản phẩm nào.', 'No entries yet.')}</p>
          ) : (
            <div className="scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{L('Mã', 'Reference')}</th>
                    <th scope="col">{L('Tên sản phẩm', 'Title')}</th>
                    <th scope="col">{L('Lĩnh vực', 'Field')}</th>
                    <th scope="col">{L('Tác giả', 'Authors')}</th>
                    <th scope="col">{L('Trạng thái', 'Status')}</th>
                    <th scope="col">{L('Vòng đã đến', 'Stage reached')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{L('Thao tác', 'Actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {entries.map((entry) => (
                    <tr key={entry.id}>
                      <td>{entry.reference}</td>
                      <td>{entry.title}</td>
                      <td>{entry.field.name}</td>
                      <td>{entry.authors.map((a) => a.fullName).join(', ')}</td>
                      <td>{entry.status === 'registered' ? L('Đã đăng ký', 'Registered') : L('Đã rút', 'Withdrawn')}</td>
                      <td>{entry.currentStage?.name ?? ''}</td>
                      <td className="actions">
                        {entry.status === 'registered' && edition.openForRegistration && (
                          <>
                            <Link href={`/truong/san-pham/${entry.id}`} aria-label={L(`Sửa và hồ sơ: ${entry.title}`, `Edit and dossier: ${entry.title}`)}>
                              {L('Sửa, hồ sơ', 'Edit, dossier')}
                            </Link>
                            <button type="button" className="link" onClick={() => void withdraw(entry)}>
                              {L('Rút', 'Withdraw')}
                            </button>
                          </>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ))}
    </main>
  );
}

/** A school's results in one edition, as published: each entry's stages, score, prize and whether it went up. */
export function SchoolResults({ editionId }: { editionId: string }) {
  const L = useL();
  const [rows, setRows] = useState<Array<{ entry: Entry; history: EntryHistory }> | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);

  useEffect(() => {
    (async () => {
      const page = await api('get', '/entries', { query: { editionId, status: 'registered', pageSize: 500 } });
      const histories = await Promise.all(page.items.map((entry) => api('get', '/entries/{id}/stages', { path: { id: entry.id } })));
      setRows(page.items.map((entry, i) => ({ entry, history: histories[i] })));
    })().catch((error) => setRefusal(refusalOf(error)));
  }, [editionId]);

  const phase = (p: EntryHistory['stages'][number]['prizeListPhase']) => (p === 'final' ? L('chính thức', 'final') : L('tạm thời', 'provisional'));
  return (
    <main>
      <p>
        <Link href="/truong">← {L('Sản phẩm của trường', 'Our entries')}</Link>
      </p>
      <h1>{L('Kết quả của trường', 'Our results')}</h1>
      <ErrorBanner refusal={refusal} />
      {!rows && !refusal && <Loading />}
      {rows && (
        <div className="scroll">
          <table data-testid="results">
            <thead>
              <tr>
                <th scope="col">{L('Mã', 'Reference')}</th>
                <th scope="col">{L('Tên sản phẩm', 'Title')}</th>
                <th scope="col">{L('Vòng', 'Stage')}</th>
                <th scope="col">{L('Điểm', 'Score')}</th>
                <th scope="col">{L('Giải', 'Prize')}</th>
                <th scope="col">{L('Đi tiếp', 'Goes on')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.flatMap(({ entry, history }) =>
                history.stages.map((stage, i) => (
                  <tr key={entry.id + stage.stageId}>
                    {i === 0 && (
                      <>
                        <td rowSpan={history.stages.length}>{entry.reference}</td>
                        <td rowSpan={history.stages.length}>{entry.title}</td>
                      </>
                    )}
                    <td>
                      {stage.stageName} — {stage.unitName}
                    </td>
                    <td>{stage.score ?? ''}</td>
                    <td>
                      {stage.prizeName
                        ? `${stage.prizeName} (${phase(stage.prizeListPhase)}, ${L('phiên bản', 'version')} ${stage.prizeListVersion})`
                        : stage.prizeListVersion
                          ? L('Không đạt giải', 'No prize')
                          : ''}
                    </td>
                    <td>{stage.advanced ? L('Được chọn lên vòng trên', 'Sent to the next stage') : ''}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
