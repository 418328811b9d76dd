import { useEffect, useState, type FormEvent } from 'react';
import { navigate } from 'wouter/use-browser-location';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { formatDate, parseDate, useL } from '../i18n';
import { Dossier } from './Dossier';
import { ErrorBanner, Loading, refusalOf, Select, TextArea, TextField, type Refusal } from '../ui/forms';

type Edition = components['schemas']['EditionView'];
type Entry = components['schemas']['EntryView'];

interface Author {
  fullName: string;
  birthDate: string;
  classOrJob: string;
}

interface Form {
  title: string;
  fieldCode: string;
  summary: string;
  createdYear: string;
  authors: Author[];
  contact: { name: string; email: string; phone: string };
}

const blankAuthor = (): Author => ({ fullName: '', birthDate: '', classOrJob: '' });

function formOf(entry: Entry | null, edition: Edition): Form {
  if (!entry) return { title: '', fieldCode: edition.fields[0]?.code ?? '', summary: '', createdYear: '', authors: [blankAuthor()], contact: { name: '', email: '', phone: '' } };
  return {
    title: entry.title,
    fieldCode: entry.field.code,
    summary: entry.summary,
    createdYear: entry.createdYear === null ? '' : String(entry.createdYear),
    authors: entry.authors.map((a) => ({ fullName: a.fullName, birthDate: formatDate(a.birthDate), classOrJob: a.classOrJob ?? '' })),
    contact: { name: entry.contact.name, email: entry.contact.email, phone: entry.contact.phone ?? '' },
  };
}

/** Registers an entry (`editionId`) or edits one (`entryId`); every refusal is shown next to the field it names. */
export function EntryForm({ editionId, entryId }: { editionId?: string; entryId?: string }) {
  const L = useL();
  const [edition, setEdition] = useState<Edition | null>(null);
  const [entry, setEntry] = useState<Entry | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    (async () => {
      const existing = entryId ? await api('get', '/entries/{id}', { path: { id: entryId } }) : null;
      const loaded = await api('get', '/editions/{id}', { path: { id: existing?.editionId ?? editionId! } });
      setEntry(existing);
      setEdition(loaded);
      setForm(formOf(existing, loaded));
    })().catch((error) => setRefusal(refusalOf(error)));
  }, [editionId, entryId]);

  if (!edition || !form) return <main>{refusal ? <ErrorBanner refusal={refusal} /> : <Loading />}</main>;
  const set = (change: Partial<Form>) => setForm({ ...form, ...change });
  const setAuthor = (index: number, change: Partial<Author>) => set({ authors: form.authors.map((a, i) => (i === index ? { ...a, ...change } : a)) });
  const shown = (field: string) => /^(title|fieldCode|summary|createdYear|contact\.(name|email|phone)|authors\[\d+\]\.(fullName|birthDate|classOrJob))$/.test(field);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setRefusal(null);
    const body = {
      title: form!.title,
      fieldCode: form!.fieldCode,
      summary: form!.summary,
      ...(edition!.kind === 'technical' ? { createdYear: form!.createdYear ? Number(form!.createdYear) : null } : {}),
      authors: form!.authors.map((a) => ({ fullName: a.fullName, birthDate: parseDate(a.birthDate), classOrJob: a.classOrJob || null })),
      contact: { name: form!.contact.name, email: form!.contact.email, phone: form!.contact.phone || null },
    };
    try {
      if (entry) await api('patch', '/entries/{id}', { path: { id: entry.id }, body: { ...body, version: entry.version } });
      else await api('post', '/editions/{editionId}/entries', { path: { editionId: edition!.id }, body });
      navigate('/truong');
    } catch (error) {
      setRefusal(refusalOf(error, shown));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main>
      <h1>{entry ? L(`Sửa sản phẩm ${entry.reference}`, `Edit entry ${entry.reference}`) : L('Đăng ký sản phẩm dự thi', 'Register an entry')}</h1>
      <p>
        {edition.contestName} — {L('lần', 'edition')} {edition.number}
      </p>
      <ErrorBanner refusal={refusal} />
      <form onSubmit={submit} noValidate>
        <TextField label={L('Tên sản phẩm', 'Title')} name="title" refusal={refusal} value={form.title} onChange={(e) => set({ title: e.target.value })} />
        <Select label={L('Lĩnh vực', 'Field')} name="fieldCode" refusal={refusal} value={form.fieldCode} onChange={(e) => set({ fieldCode: e.target.value })}>
          {edition.fields.map((field) => (
            <option key={field.code} value={field.code}>
              {field.name}
            </option>
          ))}
        </Select>
        <TextArea label={L('Tóm tắt', 'Summary')} name="summary" refusal={refusal} rows={4} value={form.summary} onChange={(e) => set({ summary: e.target.value })} />
        {edition.kind === 'technical' && (
          <TextField
            label={L('Năm tạo ra giải pháp', 'Year created')}
            name="createdYear"
            refusal={refusal}
            inputMode="numeric"
            value={form.createdYear}
            onChange={(e) => set({ createdYear: e.target.value })}
          />
        )}
        <fieldset>
          <legend>
            {L('Tác giả', 'Authors')} ({L('tối đa', 'at most')} {edition.maxAuthors})
          </legend>
          {form.authors.map((author, i) => (
            <fieldset key={i} className="author">
              <legend>
                {L('Tác giả', 'Author')} {i + 1}
              </legend>
              <TextField label={L('Họ và tên', 'Full name')} name={`authors[${i}].fullName`} refusal={refusal} value={author.fullName} onChange={(e) => setAuthor(i, { fullName: e.target.value })} />
              <TextField
                label={L('Ngày sinh', 'Date of birth')}
                hint="DD/MM/YYYY"
                name={`authors[${i}].birthDate`}
                refusal={refusal}
                inputMode="numeric"
                placeholder="31/07/2008"
                value={author.birthDate}
                onChange={(e) => setAuthor(i, { birthDate: e.target.value })}
              />
              <TextField
                label={L('Lớp hoặc nghề nghiệp', 'Class or job')}
                name={`authors[${i}].classOrJob`}
                refusal={refusal}
                value={author.classOrJob}
                onChange={(e) => setAuthor(i, { classOrJob: e.target.value })}
              />
              {form.authors.length > 1 && (
                <button type="button" className="secondary" onClick={() => set({ authors: form.authors.filter((_, j) => j !== i) })}>
                  {L(`Bỏ tác giả ${i + 1}`, `Remove author ${i + 1}`)}
                </button>
              )}
            </fieldset>
          ))}
          {form.authors.length < edition.maxAuthors && (
            <button type="button" className="secondary" onClick={() => set({ authors: [...form.authors, blankAuthor()] })}>
              {L('Thêm tác giả', 'Add an author')}
            </button>
          )}
        </fieldset>
        <fieldset>
          <legend>{L('Người liên hệ', 'Contact')}</legend>
          <TextField label={L('Họ và tên', 'Name')} name="contact.name" refusal={refusal} value={form.contact.name} onChange={(e) => set({ contact: { ...form.contact, name: e.target.value } })} />
          <TextField
            label={L('Thư điện tử', 'E-mail')}
            name="contact.email"
            refusal={refusal}
            type="email"
            value={form.contact.email}
            onChange={(e) => set({ contact: { ...form.contact, email: e.target.value } })}
          />
          <TextField
            label={L('Điện thoại', 'Phone')}
            name="contact.phone"
            refusal={refusal}
            type="tel"
            value={form.contact.phone}
            onChange={(e) => set({ contact: { ...form.contact, phone: e.target.value } })}
          />
        </fieldset>
        <div className="buttons">
          <button type="submit" disabled={busy}>
            {entry ? L('Lưu thay đổi', 'Save changes') : L('Đăng ký', 'Register')}
          </button>
          <button type="button" className="secondary" onClick={() => navigate('/truong')}>
            {L('Huỷ', 'Cancel')}
          </button>
        </div>
      </form>
      {entry && <Dossier entryId={entry.id} initial={entry.dossierFiles} editable={entry.status === 'registered' && edition.openForRegistration} />}
    </main>
  );
}
