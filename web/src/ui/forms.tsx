import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { ApiError, type FieldProblem } from '../api/client';
import { useL } from '../i18n';

/** What a refused call left to show: the API's message, and its problems by field name (`authors[1].birthDate`). */
export interface Refusal {
  message: string;
  fields: Map<string, string>;
  /** Problems no field on the page shows, listed under the message. */
  others: string[];
  /** Problems of an uploaded file's rows, shown as a row-by-row report. */
  rows: FieldProblem[];
}

/**
 * `shownFields` says which fields the page shows (or the name of the place that shows a field's problems); the
 * other problems are listed under the message.
 */
export function refusalOf(error: unknown, shownFields: (field: string) => boolean | string = () => false): Refusal {
  if (!(error instanceof ApiError)) return { message: error instanceof Error ? error.message : String(error), fields: new Map(), others: [], rows: [] };
  const fields = new Map<string, string>();
  const others: string[] = [];
  const rows = error.problems.filter((p) => p.row).sort((a, b) => a.row! - b.row!);
  for (const problem of error.problems) {
    if (problem.row) continue;
    const shown = shownFields(problem.field);
    const place = shown === true ? problem.field : shown;
    if (place) fields.set(place, fields.has(place) ? `${fields.get(place)}; ${problem.reason}` : problem.reason);
    else others.push(`${problem.field}: ${problem.reason}`);
  }
  return { message: error.body.message, fields, others, rows };
}

export function ErrorBanner({ refusal }: { refusal: Refusal | null }) {
  const L = useL();
  if (!refusal) return null;
  return (
    <div role="alert" className="alert">
      <p>{refusal.message}</p>
      {refusal.others.length > 0 && (
        <ul>
          {refusal.others.map((text) => (
            <li key={text}>{text}</li>
          ))}
        </ul>
      )}
      {refusal.rows.length > 0 && (
        <div className="scroll">
          <table data-testid="row-report">
            <caption>{L('Các dòng bị từ chối', 'Rows refused')}</caption>
            <thead>
              <tr>
                <th scope="col">{L('Dòng', 'Row')}</th>
                <th scope="col">{L('Cột', 'Column')}</th>
                <th scope="col">{L('Lý do', 'Reason')}</th>
              </tr>
            </thead>
            <tbody>
              {refusal.rows.map((problem, i) => (
                <tr key={i}>
                  <td>{problem.row}</td>
                  <td>{problem.field}</td>
                  <td>{problem.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

interface FieldProps {
  label: string;
  /** The API's name for it, to place its problems here. */
  name: string;
  refusal: Refusal | null;
  hint?: string;
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string; name: string }) => ReactNode;
}

export function Field({ label, name, refusal, hint, children }: FieldProps) {
  const id = useId();
  const error = refusal?.fields.get(name);
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': described, name })}
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="error">
          {error}
        </small>
      )}
    </div>
  );
}

type Bound = { label: string; name: string; refusal: Refusal | null; hint?: string };

export function TextField({ label, name, refusal, hint, ...input }: Bound & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <Field label={label} name={name} refusal={refusal} hint={hint}>
      {(props) => <input {...input} {...props} />}
    </Field>
  );
}

export function TextArea({ label, name, refusal, hint, ...input }: Bound & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <Field label={label} name={name} refusal={refusal} hint={hint}>
      {(props) => <textarea {...input} {...props} />}
    </Field>
  );
}

export function Select({ label, name, refusal, hint, children, ...input }: Bound & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <Field label={label} name={name} refusal={refusal} hint={hint}>
      {(props) => (
        <select {...input} {...props}>
          {children}
        </select>
      )}
    </Field>
  );
}

export function Loading() {
  const L = useL();
  return <p aria-busy="true">{L('Đang tải…', 'Loading…')}</p>;
}
