import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { navigate } from 'wouter/use-browser-location';
import { api, bindSession } from './api/client';
import type { components } from './api/schema';
import { LanguageContext, type Language } from './i18n';

export type Me = components['schemas']['UserView'];
export type Role = Me['grants'][number]['role'];

interface Stored {
  token: string;
  expiresAt: number;
}

const KEY = 'contest.session';
const LANGUAGE = 'contest.language';

function stored(): Stored | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Stored | null;
    return value && value.expiresAt > Date.now() ? value : null;
  } catch {
    return null;
  }
}

interface SessionValue {
  me: Me | null;
  loading: boolean;
  /** Why the user was sent to the login page, if they were. */
  notice: 'expired' | 'logged-out' | null;
  login: (email: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  has: (...roles: Role[]) => boolean;
}

const SessionContext = createContext<SessionValue>(null as unknown as SessionValue);

export function useSession(): SessionValue {
  return useContext(SessionContext);
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [current, setCurrent] = useState<Stored | null>(stored);
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(current !== null);
  const [notice, setNotice] = useState<SessionValue['notice']>(null);
  const [language, setLanguageState] = useState<Language>(() => (localStorage.getItem(LANGUAGE) === 'en' ? 'en' : 'vi'));

  const end = useCallback((why: SessionValue['notice']) => {
    sessionStorage.removeItem(KEY);
    setCurrent(null);
    setMe(null);
    // The /auth/me that found the session ended is dropped with it, so it cannot clear the flag itself.
    setLoading(false);
    setNotice(why);
    const back = location.pathname.startsWith('/dang-nhap') || location.pathname.startsWith('/cong-bo') ? '' : `?tiep=${encodeURIComponent(location.pathname + location.search)}`;
    if (!location.pathname.startsWith('/cong-bo')) navigate(`/dang-nhap${back}`);
  }, []);

  bindSession({ token: () => current?.token ?? null, language: () => language, expired: () => end('expired') });

  useEffect(() => {
    document.documentElement.lang = language;
    localStorage.setItem(LANGUAGE, language);
  }, [language]);

  // A token runs out on its own clock too: the page goes to the login before the next click fails.
  useEffect(() => {
    if (!current) return;
    const timer = setTimeout(() => end('expired'), Math.max(0, current.expiresAt - Date.now()));
    return () => clearTimeout(timer);
  }, [current, end]);

  useEffect(() => {
    if (!current) return;
    let live = true;
    setLoading(true);
    api('get', '/auth/me')
      .then((value) => live && setMe(value))
      .catch(() => undefined)
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [current]);

  const value = useMemo<SessionValue>(
    () => ({
      me,
      loading,
      notice,
      async login(email, password) {
        const token = await api('post', '/auth/login', { body: { email, password } });
        const next = { token: token.accessToken, expiresAt: Date.now() + token.expiresIn * 1000 };
        sessionStorage.setItem(KEY, JSON.stringify(next));
        bindSession({ token: () => next.token, language: () => language, expired: () => end('expired') });
        setMe(await api('get', '/auth/me'));
        setNotice(null);
        setCurrent(next);
      },
      async logout() {
        await api('post', '/auth/logout').catch(() => undefined);
        end('logged-out');
      },
      has: (...roles) => !!me?.grants.some((g) => roles.includes(g.role)),
    }),
    [me, loading, notice, language, end],
  );

  return (
    <LanguageContext.Provider value={{ language, setLanguage: setLanguageState }}>
      <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
    </LanguageContext.Provider>
  );
}
