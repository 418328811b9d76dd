import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { formatDate, useL } from '../i18n';
import { ErrorBanner, Loading } from '../ui/forms';
import { editionName, useEditions, type Edition } from './picker';

type Contest = components['schemas']['ContestView'];

export const stateName = (state: Edition['state'], L: (vi: string, en: string) => string) =>
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
