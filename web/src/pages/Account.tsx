import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { useL } from '../i18n';
import { roleName } from '../roles';
import { useSession } from '../session';
import { ErrorBanner, refusalOf, TextField, type Refusal } from '../ui/forms';

export function Account() {
  const L = useL();
  const { me, login, logout } = useSession();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [done, setDone] = useState(false);
  if (!me) return null;

  async function change(event: FormEvent) {
    event.preventDefault();
    setRefusal(null);
    setDone(false);
    try {
      await api('post', '/auth/password', { body: { currentPassword, newPassword } });
      // The change ends every session, this one too: sign in again with the new password.
      await login(me!.email, newPassword);
      setDone(true);
      setCurrent('');
      setNew('');
    } catch (error) {
      setRefusal(refusalOf(error, (field) => field === 'currentPassword' || field === 'newPassword'));
    }
  }

  return (
    <main>
      <h1>{L('Tài khoản của tôi', 'My account')}</h1>
      <dl className="facts">
        <dt>{L('Họ tên', 'Name')}</dt>
        <dd>{me.fullName}</dd>
        <dt>{L('Thư điện tử', 'E-mail')}</dt>
        <dd>{me.email}</dd>
      </dl>
      <h2>{L('Quyền được giao', 'Grants')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{L('Vai trò', 'Role')}</th>
            <th scope="col">{L('Đơn vị', 'Unit')}</th>
          </tr>
        </thead>
        <tbody>
          {me.grants.map((grant) => (
            <tr key={grant.id}>
              <td>{roleName(grant.role, L)}</td>
              <td>
                {grant.unitName} ({grant.unitCode})
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{L('Đổi mật khẩu', 'Change password')}</h2>
      {done && (
        <p role="status" className="notice">
          {L('Đã đổi mật khẩu. Các phiên đăng nhập trên thiết bị khác đã kết thúc.', 'Password changed. Your sessions on other devices have ended.')}
        </p>
      )}
      <ErrorBanner refusal={refusal} />
      <form onSubmit={change} className="narrow">
        <TextField
          label={L('Mật khẩu hiện tại', 'Current password')}
          name="currentPassword"
          refusal={refusal}
          type="password"
          autoComplete="current-password"
          required
          value={currentPassword}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <TextField
          label={L('Mật khẩu mới', 'New password')}
          name="newPassword"
          refusal={refusal}
          type="password"
          autoComplete="new-password"
          required
          value={newPassword}
          onChange={(e) => setNew(e.target.value)}
        />
        <button type="submit">{L('Đổi mật khẩu', 'Change password')}</button>
      </form>
      <p>
        <button type="button" className="secondary" onClick={() => void logout()}>
          {L('Đăng xuất', 'Log out')}
        </button>
      </p>
    </main>
  );
}
