import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { api, download, upload } from '../api/client';
import type { components } from '../api/schema';
import { useL } from '../i18n';
import { ErrorBanner, Loading, refusalOf, type Refusal } from '../ui/forms';
import { FileUpload } from '../ui/upload';

type Edition = components['schemas']['EditionView'];
type Result = components['schemas']['BulkImportResultView'];

/**
 * Bulk registration: the edition's template, the filled file sent back, and what the API made of it. The file is
 * taken whole or not at all; a refusal lists every row at fault.
 */
export function BulkImport({ editionId }: { editionId: string }) {
  const L = useL();
  const [edition, setEdition] = useState<Edition | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);

  useEffect(() => {
    api('get', '/editions/{id}', { path: { id: editionId } })
      .then(setEdition)
      .catch((error) => setRefusal(refusalOf(error)));
  }, [editionId]);

  const template = (kind: 'xlsx' | 'csv') =>
    download(kind === 'xlsx' ? '/editions/{editionId}/entries/import-template.xlsx' : '/editions/{editionId}/entries/import-template.csv', { path: { editionId } }).catch((error) =>
      setRefusal(refusalOf(error)),
    );

  async function send(file: File, progress: (share: number) => void) {
    setRefusal(null);
    setResult(null);
    try {
      setResult(await upload('/editions/{editionId}/entries/import', { path: { editionId }, file, progress }));
    } catch (error) {
      setRefusal(refusalOf(error));
    }
  }

  if (!edition) return <main>{refusal ? <ErrorBanner refusal={refusal} /> : <Loading />}</main>;
  return (
    <main>
      <p>
        <Link href="/truong">← {L('Sản phẩm của trường', 'Our entries')}</Link>
      </p>
      <h1>{L('Đăng ký theo tệp', 'Register from a file')}</h1>
      <p>
        {edition.contestName} — {L('lần', 'edition')} {edition.number} ({edition.seasonLabel})
      </p>
      <ol>
        <li>
          {L('Tải tệp mẫu, mỗi dòng một sản phẩm; dòng ví dụ (mã VI-DU) không được đăng ký.', 'Download the template: one entry a row; the example row (reference VI-DU) is never registered.')}{' '}
          <span className="buttons">
            <button type="button" className="secondary" onClick={() => void template('xlsx')}>
              {L('Tải tệp mẫu Excel', 'Download the Excel template')}
            </button>
            <button type="button" className="secondary" onClick={() => void template('csv')}>
              {L('Tải tệp mẫu CSV', 'Download the CSV template')}
            </button>
          </span>
        </li>
        <li>{L('Điền tệp rồi gửi lại: tất cả các dòng được đăng ký, hoặc không dòng nào nếu có dòng sai.', 'Fill it in and send it back: every row is registered, or none if a row is wrong.')}</li>
      </ol>
      <FileUpload label={L('Tệp đã điền (Excel hoặc CSV)', 'Filled file (Excel or CSV)')} accept=".xlsx,.csv,text/csv" button={L('Gửi tệp', 'Send the file')} send={send} />
      <ErrorBanner refusal={refusal} />
      {result && (
        <section aria-labelledby="import-result">
          <h2 id="import-result">{L('Kết quả', 'Result')}</h2>
          <p role="status" className="notice">
            {L(
              `Đã đăng ký ${result.created} sản phẩm; ${result.skipped} dòng đã có từ trước; ${result.total} dòng trong tệp.`,
              `${result.created} entries registered; ${result.skipped} rows already registered; ${result.total} rows in the file.`,
            )}
          </p>
          <div className="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{L('Dòng', 'Row')}</th>
                  <th scope="col">{L('Mã', 'Reference')}</th>
                  <th scope="col">{L('Đơn vị', 'School')}</th>
                  <th scope="col">{L('Kết quả', 'Outcome')}</th>
                </tr>
              </thead>
              <tbody>
                {result.entries.map((entry) => (
                  <tr key={entry.id}>
                    <td>{entry.row}</td>
                    <td>{entry.reference}</td>
                    <td>{entry.schoolCode}</td>
                    <td>{entry.status === 'created' ? L('Đã đăng ký', 'Registered') : L('Đã có, bỏ qua', 'Already there, skipped')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </main>
  );
}
