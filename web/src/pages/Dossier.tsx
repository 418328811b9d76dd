import { useState } from 'react';
import { api, download, upload } from '../api/client';
import type { components } from '../api/schema';
import { formatDateTime, useL } from '../i18n';
import { ErrorBanner, refusalOf, type Refusal } from '../ui/forms';
import { FileUpload } from '../ui/upload';

type DossierFile = components['schemas']['DossierFileView'];

const size = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024).toLocaleString('vi-VN')} KB` : `${(bytes / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MB`);

/** An entry's dossier: its files, one more attached with a progress bar, one removed; the API says which files it takes. */
export function Dossier({ entryId, initial, editable }: { entryId: string; initial: DossierFile[]; editable: boolean }) {
  const L = useL();
  const [files, setFiles] = useState(initial);
  const [refusal, setRefusal] = useState<Refusal | null>(null);

  async function attach(file: File, progress: (share: number) => void) {
    setRefusal(null);
    try {
      const added = await upload('/entries/{id}/dossier', { path: { id: entryId }, file, progress });
      setFiles((now) => [...now, added]);
    } catch (error) {
      setRefusal(refusalOf(error));
    }
  }

  async function remove(file: DossierFile) {
    if (!confirm(L(`Xoá tệp “${file.originalName}”?`, `Remove “${file.originalName}”?`))) return;
    setRefusal(null);
    try {
      await api('delete', '/entries/{id}/dossier/{fileId}', { path: { id: entryId, fileId: file.id } });
      setFiles((now) => now.filter((f) => f.id !== file.id));
    } catch (error) {
      setRefusal(refusalOf(error));
    }
  }

  return (
    <section aria-labelledby="dossier">
      <h2 id="dossier">{L('Hồ sơ sản phẩm', 'Dossier')}</h2>
      <ErrorBanner refusal={refusal} />
      {files.length === 0 ? (
        <p>{L('Chưa có tệp nào.', 'No files yet.')}</p>
      ) : (
        <ul className="files" data-testid="dossier">
          {files.map((file) => (
            <li key={file.id}>
              <button type="button" className="link" onClick={() => void download('/entries/{id}/dossier/{fileId}', { path: { id: entryId, fileId: file.id } }).catch((e) => setRefusal(refusalOf(e)))}>
                {file.originalName}
              </button>{' '}
              <span className="hint">
                {size(file.sizeBytes)} · {formatDateTime(file.createdAt)}
              </span>
              {editable && (
                <button type="button" className="link" onClick={() => void remove(file)} aria-label={L(`Xoá ${file.originalName}`, `Remove ${file.originalName}`)}>
                  {L('Xoá', 'Remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {editable && (
        <FileUpload
          label={L('Đính kèm tệp', 'Attach a file')}
          hint={L('PDF, JPEG, PNG hoặc WebP', 'PDF, JPEG, PNG or WebP')}
          accept=".pdf,.jpg,.jpeg,.png,.webp,application/pdf,image/*"
          button={L('Tải lên', 'Upload')}
          send={attach}
        />
      )}
    </section>
  );
}
