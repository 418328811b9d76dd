import { useContext, type ComponentType, type ReactNode } from 'react';
import { Link, Redirect, Route, Switch } from 'wouter';
import { LanguageContext, useL } from './i18n';
import { Account } from './pages/Account';
import { Advancement } from './pages/Advancement';
import { Audit } from './pages/Audit';
import { EditionForm } from './pages/EditionForm';
import { Editions } from './pages/Editions';
import { PanelsAdmin } from './pages/PanelsAdmin';
import { Report } from './pages/Report';
import { Chair } from './pages/Chair';
import { EntryForm } from './pages/EntryForm';
import { JudgeEntries, Panels, ScoreSheet } from './pages/Judging';
import { Login } from './pages/Login';
import { OrganiserEntries, PrizeLists } from './pages/Organiser';
import { PublicPrizeList } from './pages/Public';
import { School as SchoolPage, SchoolResults } from './pages/School';
import { BulkImport } from './pages/BulkImport';
import { useSession, type Role } from './session';
import { Loading } from './ui/forms';

/** The organiser's pages, in the menu's order: address, Vietnamese and English name, page. */
const ORGANISER_PAGES: Array<[string, string, string, ComponentType]> = [
  ['/to-chuc/san-pham', 'Sản phẩm', 'Entries', OrganiserEntries],
  ['/to-chuc/giai', 'Giải thưởng', 'Prizes', PrizeLists],
  ['/to-chuc/xet-chon', 'Xét chọn', 'Advancement', Advancement],
  ['/to-chuc/hoi-dong', 'Hội đồng', 'Panels', PanelsAdmin],
  ['/to-chuc/bao-cao', 'Báo cáo', 'Report', Report],
  ['/to-chuc/nhat-ky', 'Nhật ký', 'Audit', Audit],
  ['/to-chuc/cuoc-thi', 'Cuộc thi', 'Editions', Editions],
];

// Page addresses are Vietnamese words no API route uses, so a reload of any of them reaches this page.
function Header() {
  const L = useL();
  const { me, has, logout } = useSession();
  const { language, setLanguage } = useContext(LanguageContext);
  return (
    <header>
      <a className="skip" href="#main">
        {L('Bỏ qua menu', 'Skip to content')}
      </a>
      <nav aria-label={L('Chính', 'Main')}>
        <Link href="/" className="brand">
          {L('Cuộc thi Sáng tạo', 'Creativity contests')}
        </Link>
        {me && has('school', 'organisation') && <Link href="/truong">{L('Sản phẩm của trường', 'Our entries')}</Link>}
        {me && has('judge', 'chair', 'organiser', 'admin') && <Link href="/hoi-dong">{L('Chấm thi', 'Judging')}</Link>}
        {me &&
          has('organiser', 'admin') &&
          ORGANISER_PAGES.map(([path, vi, en]) => (
            <Link key={path} href={path}>
              {L(vi, en)}
            </Link>
          ))}
        {me && <Link href="/tai-khoan">{me.fullName}</Link>}
        {me && (
          <button type="button" className="link" onClick={() => void logout()}>
            {L('Đăng xuất', 'Log out')}
          </button>
        )}
        <button type="button" className="link" lang={language === 'vi' ? 'en' : 'vi'} onClick={() => setLanguage(language === 'vi' ? 'en' : 'vi')}>
          {language === 'vi' ? 'English' : 'Tiếng Việt'}
        </button>
      </nav>
    </header>
  );
}

/** Pages for signed-in users: the login page first, and back here after it. */
function SignedIn({ children, roles }: { children: ReactNode; roles?: Role[] }) {
  const L = useL();
  const { me, loading, has } = useSession();
  if (loading) return <Loading />;
  if (!me) return <Redirect to={`/dang-nhap?tiep=${encodeURIComponent(location.pathname + location.search)}`} />;
  if (roles && !has(...roles)) return <p role="alert">{L('Tài khoản của bạn không có quyền xem trang này.', 'Your account may not see this page.')}</p>;
  return <>{children}</>;
}

function Home() {
  const { me, has } = useSession();
  if (!me) return <Redirect to="/dang-nhap" />;
  if (has('school', 'organisation')) return <Redirect to="/truong" />;
  if (has('organiser', 'admin')) return <Redirect to="/to-chuc/san-pham" />;
  if (has('judge', 'chair')) return <Redirect to="/hoi-dong" />;
  return <Redirect to="/tai-khoan" />;
}

export function App() {
  const { loading } = useSession();
  return (
    <>
      <Header />
      <div id="main">
        <Switch>
          <Route path="/dang-nhap" component={Login} />
          <Route path="/cong-bo/:id">{(p) => <PublicPrizeList id={p.id} />}</Route>
          <Route path="/">{loading ? <Loading /> : <Home />}</Route>
          <Route path="/tai-khoan">
            <SignedIn>
              <Account />
            </SignedIn>
          </Route>
          <Route path="/truong">
            <SignedIn roles={['school', 'organisation']}>
              <SchoolPage />
            </SignedIn>
          </Route>
          <Route path="/truong/:editionId/dang-ky">
            {(p) => (
              <SignedIn roles={['school', 'organisation']}>
                <EntryForm editionId={p.editionId} />
              </SignedIn>
            )}
          </Route>
          <Route path="/truong/:editionId/nhap-tep">
            {(p) => (
              <SignedIn roles={['school', 'organisation']}>
                <BulkImport editionId={p.editionId} />
              </SignedIn>
            )}
          </Route>
          <Route path="/truong/:editionId/ket-qua">
            {(p) => (
              <SignedIn roles={['school', 'organisation']}>
                <SchoolResults editionId={p.editionId} />
              </SignedIn>
            )}
          </Route>
          <Route path="/truong/san-pham/:id">
            {(p) => (
              <SignedIn roles={['school', 'organisation']}>
                <EntryForm entryId={p.id} />
              </SignedIn>
            )}
          </Route>
          <Route path="/hoi-dong">
            <SignedIn>
              <Panels />
            </SignedIn>
          </Route>
          <Route path="/hoi-dong/:id">{(p) => <SignedIn>{<Chair panelId={p.id} />}</SignedIn>}</Route>
          <Route path="/cham-thi/:id">{(p) => <SignedIn>{<JudgeEntries panelId={p.id} />}</SignedIn>}</Route>
          <Route path="/cham-thi/:id/:entryId">{(p) => <SignedIn>{<ScoreSheet key={p.entryId} panelId={p.id} entryId={p.entryId} />}</SignedIn>}</Route>
          {ORGANISER_PAGES.map(([path, , , Page]) => (
            <Route key={path} path={path}>
              <SignedIn roles={['organiser', 'admin']}>
                <Page />
              </SignedIn>
            </Route>
          ))}
          <Route path="/to-chuc/cuoc-thi/moi/:contestId">
            {(p) => (
              <SignedIn roles={['organiser', 'admin']}>
                <EditionForm contestId={p.contestId} />
              </SignedIn>
            )}
          </Route>
          <Route path="/to-chuc/cuoc-thi/:id">
            {(p) => (
              <SignedIn roles={['organiser', 'admin']}>
                <EditionForm key={p.id} editionId={p.id} />
              </SignedIn>
            )}
          </Route>
          <Route>
            <NotFound />
          </Route>
        </Switch>
      </div>
    </>
  );
}

function NotFound() {
  const L = useL();
  return (
    <main>
      <h1>{L('Không tìm thấy trang', 'Page not found')}</h1>
      <Link href="/">{L('Về trang chủ', 'Home')}</Link>
    </main>
  );
}
