import { useState, type FormEvent } from 'react';
import { navigate } from 'wouter/use-browser-location';
import { useL } from '../i18n';
import { useSession } from '../session';
import { ErrorBanner, refusalOf, TextField, type Refusal } from '../ui/forms';

export function Login() {
  const L = useL();
  const { login, notice } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setRefusal(null);
    try {
      await login(email, password);
      const next = new URLSearchParams(location.search).get('tiep');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/');
    } catch (error) {
      setRefusal(refusalOf(error, (field) => field === 'email' || field === 'password'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="narrow">
      <h1>{L('Đăng nhập', 'Log in')}</h1>
      {notice === 'expired' && (
        <p role="status" className="notice">
          {L('Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.', 'Your session has expired. Please log in again.')}
        </p>
      )}
      {notice === 'logged-out' && (
        <p role="status" className="notice">
          {L('Bạn đã đăng xuất.', 'You have logged out.')}
        </p>
      )}
      <ErrorBanner refusal={refusal} />
      <form onSubmit={submit}>
        <TextField label={L('Thư điện tử', 'E-mail')} name="email" refusal={refusal} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <TextField
          label={L('Mật khẩu', 'Password')}
          name="password"
          refusal={refusal}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          {L('Đăng nhập', 'Log in')}
        </button>
      </form>
    </main>
  );
}
