import { useEffect, useState } from 'react';
import { api, urlOf } from '../api/client';
import type { components } from '../api/schema';
import { formatDate, formatVnd, useL } from '../i18n';
import { ErrorBanner, Loading, refusalOf, type Refusal } from '../ui/forms';

type PrizeList = components['schemas']['PublicPrizeList'];

/** A published prize list, for anyone, without logging in. */
export function PublicPrizeList({ id }: { id: string }) {
  const L = useL();
  const version = new URLSearchParams(location.search).get('version');
  const [list, setList] = useState<PrizeList | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  useEffect(() => {
    api('get', '/public/prize-lists/{id}', { path: { id }, query: version ? { version: Number(version) } : {} })
      .then(setList)
      .catch((error) => setRefusal(refusalOf(error)));
  }, [id, version]);
  if (!list) return <main>{refusal ? <ErrorBanner refusal={refusal} /> : <Loading />}</main>;
  const query = { version: list.version };
  return (
    <main>
      <h1>
        {L('Danh sách đạt giải', 'Prize list')}: {list.contest.name}
      </h1>
      <p>
        {list.stage.name} — {list.unit.name} · {L('lần', 'edition')} {list.contest.editionNumber} ({list.contest.seasonLabel})
      </p>
      <p role="status">
        {list.phase === 'final' ? L('Kết quả chính thức', 'Final results') : L('Kết quả tạm thời', 'Provisional results')} · {L('phiên bản', 'version')} {list.version} ·{' '}
        {L('công bố ngày', 'published on')} {formatDate(list.publishedAt)}
        {list.phase === 'provisional' && list.objectionEndsAt && ` · ${L('nhận khiếu nại đến hết ngày', 'objections until')} ${formatDate(list.objectionEndsAt)}`}
      </p>
      {list.reason && (
        <p>
          {L('Lý do đính chính', 'Correction')}: {list.reason}
        </p>
      )}
      <p className="buttons">
        <a className="button secondary" href={urlOf('/public/prize-lists/{id}/export.xlsx', { id }, query)}>
          {L('Tải Excel', 'Download Excel')}
        </a>
        <a className="button secondary" href={urlOf('/public/prize-lists/{id}/export.csv', { id }, query)}>
          {L('Tải CSV', 'Download CSV')}
        </a>
      </p>
      <div className="scroll">
        <table data-testid="prizes">
          <thead>
            <tr>
              <th scope="col">{L('Giải', 'Prize')}</th>
              <th scope="col">{L('Mã', 'Reference')}</th>
              <th scope="col">{L('Tên sản phẩm', 'Title')}</th>
              <th scope="col">{L('Tác giả', 'Authors')}</th>
              <th scope="col">{L('Đơn vị', 'School')}</th>
              <th scope="col">{L('Lĩnh vực', 'Field')}</th>
              <th scope="col">{L('Điểm', 'Score')}</th>
              <th scope="col">{L('Tiền thưởng', 'Prize money')}</th>
            </tr>
          </thead>
          <tbody>
            {list.entries.map((entry) => (
              <tr key={entry.reference}>
                <td>{entry.prize}</td>
                <td>{entry.reference}</td>
                <td>{entry.title}</td>
                <td>{entry.authors}</td>
                <td>{entry.school}</td>
                <td>{entry.field}</td>
                <td>{entry.score ?? ''}</td>
                <td>{formatVnd(entry.prizeMoney)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </main>
  );
}
