import { useId, useRef, useState, type FormEvent } from 'react';
import { useL } from '../i18n';

interface Props {
  label: string;
  hint?: string;
  accept: string;
  button: string;
  /** Sends the file, telling the share sent (0 to 1); what it throws is the caller's to show. */
  send: (file: File, progress: (share: number) => void) => Promise<void>;
}

/** A file picker and a progress bar that follows the upload; the form empties once the file is taken. */
export function FileUpload({ label, hint, accept, button, send }: Props) {
  const L = useL();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [share, setShare] = useState<number | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const file = input.current?.files?.[0];
    if (!file) return input.current?.focus();
    setShare(0);
    try {
      await send(file, setShare);
      input.current!.value = '';
    } finally {
      setShare(null);
    }
  }

  const percent = Math.round((share ?? 0) * 100);
  return (
    <form className="upload" onSubmit={submit}>
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input id={id} ref={input} type="file" accept={accept} aria-describedby={hint ? `${id}-hint` : undefined} />
        {hint && (
          <small id={`${id}-hint`} className="hint">
            {hint}
          </small>
        )}
      </div>
      <div className="buttons">
        <button type="submit" disabled={share !== null}>
          {button}
        </button>
        {share !== null && (
          <>
            <progress max={100} value={percent} aria-label={L('Tiến độ tải lên', 'Upload progress')} />
            <span role="status">{L(`Đang tải lên: ${percent}%`, `Uploading: ${percent}%`)}</span>
          </>
        )}
      </div>
    </form>
  );
}
