import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { eventually } from '../support/eventually';
import { registerEntries } from '../support/factories';
import { PASSWORD, smallWorld, technicalContest, TECHNICAL_EDITION, YOUTH_EDITION } from '../support/fixtures';
import { TestApp } from '../support/test-app';

/**
 * The web front as its users meet it, in Debian's Chromium: a school registers an entry and fixes a refused author,
 * a judge scores and confirms with the keyboard, the chair settles a flag and closes, an organiser previews and
 * publishes the prize list, and the public page shows it. The pages are photographed for the README on the way.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(__dirname, '../../docs/screenshots');
const HOUR = 3600 * 1000;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };

function world() {
  const spec = smallWorld();
  const contest = technicalContest();
  Object.assign(contest.editions[0].stages[0], { judgesPerEntry: 2, aggregation: 'mean', discrepancySpread: 10 });
  spec.contests.push(contest);
  const judge = (email: string, fullName: string, role: 'judge' | 'chair') => ({ email, fullName, password: PASSWORD, grants: [{ role, unit: 'ST' }] });
  spec.users.push(
    judge('gk1@test.vn', 'Giám khảo Một', 'judge'),
    judge('gk2@test.vn', 'Giám khảo Hai', 'judge'),
    judge('gk3@test.vn', 'Giám khảo Ba', 'judge'),
    judge('chair@test.vn', 'Trưởng ban', 'chair'),
  );
  return spec;
}

describe('the web front in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  let panelId: string;
  let mechanicsPanelId: string;
  let mechanicsEntryId: string;
  let stageId: string;
  let inFlight = 0;
  let lastNetwork = 0;
  const technical: string[] = [];

  async function shot(name: string) {
    await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true });
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
    // At 360 px nothing may need a sideways scroll but the wide tables, which scroll in their own box.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await page.setViewportSize(DESKTOP);
  }

  /** A browser of its own for each user: nothing of the last one's session is left. */
  async function fresh() {
    await page?.context().close();
    page = await (await browser.newContext({ viewport: DESKTOP, locale: 'vi-VN' })).newPage();
    // Generous: the machine running the tests may be busy.
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => console.log(`Page error: ${error.message}`));
    inFlight = 0;
    page.on('request', () => {
      inFlight += 1;
      lastNetwork = Date.now();
    });
    const ended = () => {
      inFlight -= 1;
      lastNetwork = Date.now();
    };
    page.on('requestfinished', ended);
    page.on('requestfailed', ended);
  }

  /** Until the page has had no request in flight for a moment: what it shows no longer depends on an answer to come. */
  async function settled() {
    const until = Date.now() + 30_000;
    while ((inFlight > 0 || Date.now() - lastNetwork < 300) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** A school's entry in a technical edition, by one author, sent through the API. */
  function registerTechnical(editionId: string, entry: { title: string; fieldCode: string; summary: string; author: string }) {
    const { title, fieldCode, summary, author } = entry;
    return t.as('school1@test.vn').post(`/editions/${editionId}/entries`, {
      unitId: t.unitId('ST-KS-01'),
      title,
      fieldCode,
      summary,
      createdYear: new Date().getUTCFullYear() - 1,
      contact: { name: 'Nguyễn Văn An', email: 'an@test.vn' },
      authors: [{ fullName: author }],
    });
  }

  /** Waits until the API's refusal has marked this input (aria-invalid), as the page shows it beside the field. */
  async function refused(input: Locator) {
    await input.and(page.locator('[aria-invalid="true"]')).waitFor();
  }

  async function logIn(email: string) {
    await fresh();
    await page.goto(`${base}/dang-nhap`);
    await page.getByLabel('Thư điện tử').fill(email);
    await page.getByLabel('Mật khẩu').fill(PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
  }

  /** The answer, once it is the status a step expects: a step that fails says what the API said. */
  function expectStatus<R extends { statusCode: number; body: string }>(response: R, status: number): R {
    expect({ status: response.statusCode, body: response.body }).toEqual({ status, body: expect.any(String) });
    return response;
  }

  const one = async (sql: string, params: unknown[]) => (await t.db.source.query(sql, params))[0];

  /** A judge's sheets of the information-technology panel, saved and confirmed through the API in turn. */
  async function scoreThroughApi(email: string, sheets: [entryId: string, points: Record<string, number>][]) {
    const judge = t.as(email);
    for (const [entryId, points] of sheets) {
      const sheet = (await judge.get(`/panels/${panelId}/entries/${entryId}`)).json().sheet;
      const saved = expectStatus(await judge.put(`/panels/${panelId}/entries/${entryId}/sheet`, { version: sheet.version, points }), 200);
      expectStatus(await judge.post(`/panels/${panelId}/entries/${entryId}/sheet/confirm`, { version: saved.json().version }), 200);
    }
  }

  async function confirmedSheets(email: string) {
    const row = await one(`SELECT count(*)::int AS n FROM score_sheets WHERE panel_id = $1 AND judge_id = $2 AND status = 'confirmed' AND active`, [panelId, t.world.users.get(email)!.id]);
    return row.n as number;
  }

  /** Published versions never change: the clock is moved past their objection window with the guard set aside. */
  async function objectionWindowOver() {
    await t.db.source.transaction(async (manager) => {
      await manager.query('SET LOCAL session_replication_role = replica');
      await manager.query(`UPDATE prize_list_versions SET objection_ends_at = now() - interval '1 minute'`);
    });
  }

  const provinceStage = () => `/stages/${stageId}/units/${t.unitId('ST')}`;

  /**
   * The season the tests play in turn, step by step, for a test run without the ones before it: each step looks at
   * the database first and does nothing when an earlier test has done it in the browser, otherwise it does it
   * through the API with the same data, after the steps it needs. A test calls the steps whose outcome it shows.
   */
  const earlier = {
    async entryFromTheForm() {
      if (await one('SELECT 1 FROM entries WHERE title = $1', ['Máy tưới cây tự động'])) return;
      expectStatus(
        await t.as('school1@test.vn').post(`/editions/${t.world.editions.get(YOUTH_EDITION)!.edition.id}/entries`, {
          unitId: t.unitId('ST-KS-01'),
          title: 'Máy tưới cây tự động',
          fieldCode: 'MT',
          summary: 'Tưới nhỏ giọt theo độ ẩm của đất.',
          contact: { name: 'Trần Văn Minh', email: 'gv.minh@school1.vn' },
          authors: [
            { fullName: 'Nguyễn Thị Hồng', birthDate: '2008-03-05' },
            { fullName: 'Lê Văn Tí', birthDate: '2009-09-12' },
          ],
        }),
        201,
      );
    },
    async entriesFromTheFile() {
      for (const [reference, title, birthDate] of [
        ['TEP-1', 'Đèn học năng lượng mặt trời', '2008-03-15'],
        ['TEP-2', 'Thùng rác phân loại', '2010-01-01'],
      ]) {
        if (await one('SELECT 1 FROM entries WHERE title = $1', [title])) continue;
        expectStatus(
          await t.as('school1@test.vn').post(`/editions/${t.world.editions.get(YOUTH_EDITION)!.edition.id}/entries`, {
            unitId: t.unitId('ST-KS-01'),
            reference,
            title,
            fieldCode: 'MT',
            summary: 'Đăng ký theo tệp.',
            contact: { name: 'Trần Văn Minh', email: 'gv.minh@school1.vn' },
            authors: [{ fullName: 'Nguyễn Thị Hồng', birthDate }],
          }),
          201,
        );
      }
    },
    async firstJudgeScored() {
      if ((await confirmedSheets('gk1@test.vn')) === 2) return;
      await scoreThroughApi('gk1@test.vn', [
        [technical[0], { novelty: 28, applicability: 33, effect: 30 }],
        [technical[1], { novelty: 20, applicability: 25, effect: 25 }],
      ]);
    },
    async conflictDeclared() {
      await earlier.firstJudgeScored();
      if ((await one('SELECT status FROM entries WHERE id = $1', [mechanicsEntryId])).status === 'withdrawn') return;
      expectStatus(await t.as('gk1@test.vn').post(`/panels/${mechanicsPanelId}/entries/${mechanicsEntryId}/conflict`, { note: 'Tôi là giáo viên hướng dẫn của tác giả.' }), 200);
      expectStatus(await t.as('school1@test.vn').post(`/entries/${mechanicsEntryId}/withdraw`), 200);
    },
    async secondJudgeScored() {
      await earlier.firstJudgeScored();
      if ((await confirmedSheets('gk2@test.vn')) === 2) return;
      // The second judge is 21 points apart on the first entry: a flag.
      await scoreThroughApi('gk2@test.vn', [
        [technical[0], { novelty: 20, applicability: 25, effect: 25 }],
        [technical[1], { novelty: 22, applicability: 25, effect: 25 }],
      ]);
    },
    async panelClosed() {
      await earlier.conflictDeclared();
      await earlier.secondJudgeScored();
      if ((await one('SELECT state FROM judging_panels WHERE id = $1', [panelId])).state === 'closed') return;
      const chair = t.as('chair@test.vn');
      expectStatus(await chair.post(`/panels/${panelId}/entries/${technical[0]}/flag/settle`, { action: 'accepted', note: 'Hai giám khảo đánh giá khác nhau về khả năng áp dụng; giữ nguyên.' }), 200);
      expectStatus(await chair.post(`/panels/${panelId}/close`), 200);
    },
    /** Prize lists are published once the edition is in its results state (the front has no page for the lifecycle yet). */
    async editionInResults() {
      await earlier.panelClosed();
      const editionId = t.world.editions.get(TECHNICAL_EDITION)!.edition.id;
      const { state: now } = await one('SELECT state FROM editions WHERE id = $1', [editionId]);
      const states = ['judging', 'results'];
      for (const state of states.slice(states.indexOf(now) + 1)) expectStatus(await t.as('province@test.vn').post(`/editions/${editionId}/state`, { state }), 200);
    },
    async provisionalPublished() {
      await earlier.editionInResults();
      if (await one('SELECT 1 FROM prize_lists', [])) return;
      expectStatus(await t.as('province@test.vn').post(`${provinceStage()}/prize-list`, { objectionDays: 15 }), 201);
    },
    async finalPublished() {
      await earlier.provisionalPublished();
      const { id, versions } = await one('SELECT l.id, count(v.*)::int AS versions FROM prize_lists l JOIN prize_list_versions v ON v.prize_list_id = l.id GROUP BY l.id', []);
      if (versions >= 3) return;
      const organiser = t.as('province@test.vn');
      expectStatus(await organiser.post(`/prize-lists/${id}/corrections`, { reason: 'Sửa tên tác giả sản phẩm CNTT sau khiếu nại' }), 201);
      await objectionWindowOver();
      expectStatus(await organiser.post(`/prize-lists/${id}/final`), 201);
    },
    async sentToTheNationalRound() {
      await earlier.finalPublished();
      if ((await one('SELECT count(*)::int AS n FROM entry_stages WHERE entry_id = $1', [technical[0]])).n > 1) return;
      expectStatus(await t.as('province@test.vn').post(`${provinceStage()}/advancement`, { entryIds: [technical[0]] }), 200);
    },
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await TestApp.start({ spec: world(), workers: false });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    await fresh();

    // The technical contest's province round: two entries, a panel of two judges and a chair, assigned.
    const edition = t.world.editions.get(TECHNICAL_EDITION)!;
    stageId = edition.stages[0].id;
    for (const title of ['Phần mềm quản lý thư viện', 'Hệ thống tưới tiêu thông minh']) {
      const response = await registerTechnical(edition.edition.id, { title, fieldCode: 'CNTT', summary: 'Giải pháp ứng dụng công nghệ thông tin.', author: 'Nguyễn Văn An' });
      technical.push(response.json().id);
    }
    const organiser = t.as('province@test.vn');
    const panel = await organiser.post(`/stages/${stageId}/panels`, {
      unitId: t.unitId('ST'),
      name: 'Hội đồng Công nghệ thông tin',
      fieldCodes: ['CNTT'],
      scoringOpensAt: new Date(Date.now() - HOUR).toISOString(),
      scoringClosesAt: new Date(Date.now() + 48 * HOUR).toISOString(),
    });
    panelId = panel.json().id;
    for (const [email, role] of [
      ['gk1@test.vn', 'judge'],
      ['gk2@test.vn', 'judge'],
      ['chair@test.vn', 'chair'],
    ] as const) {
      await organiser.post(`/panels/${panelId}/members`, { userId: t.world.users.get(email)!.id, role, affiliationUnitId: null, fieldCodes: ['CNTT'] });
    }
    expect((await organiser.post(`/panels/${panelId}/assignment`)).statusCode).toBe(200);

    // A second panel, for mechanics: its one entry goes to the first and third judges; the second waits as a spare.
    mechanicsEntryId = (await registerTechnical(edition.edition.id, { title: 'Máy bóc vỏ đậu phộng', fieldCode: 'CK', summary: 'Máy cơ khí nhỏ cho hộ gia đình.', author: 'Trần Văn Bình' })).json().id;
    mechanicsPanelId = (
      await organiser.post(`/stages/${stageId}/panels`, {
        unitId: t.unitId('ST'),
        name: 'Hội đồng Cơ khí',
        fieldCodes: ['CK'],
        scoringOpensAt: new Date(Date.now() - HOUR).toISOString(),
        scoringClosesAt: new Date(Date.now() + 48 * HOUR).toISOString(),
      })
    ).json().id;
    for (const email of ['gk1@test.vn', 'gk3@test.vn']) {
      await organiser.post(`/panels/${mechanicsPanelId}/members`, { userId: t.world.users.get(email)!.id, role: 'judge', affiliationUnitId: null, fieldCodes: ['CK'] });
    }
    expect((await organiser.post(`/panels/${mechanicsPanelId}/assignment`)).statusCode).toBe(200);
    await organiser.post(`/panels/${mechanicsPanelId}/members`, { userId: t.world.users.get('gk2@test.vn')!.id, role: 'judge', affiliationUnitId: null, fieldCodes: ['CK'] });
    // Starting the app, the browser and the panel takes long on a loaded machine.
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('sends a visitor to the login page, and back there with a message when the session ends elsewhere', async () => {
    await page.goto(`${base}/truong`);
    await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
    await shot('login');
    await page.getByLabel('Thư điện tử').fill('school1@test.vn');
    await page.getByLabel('Mật khẩu').fill('not-the-password');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/.+/);

    await logIn('school1@test.vn');
    // Logged out on another device: the next call is refused, and the page says why instead of going blank.
    await page.getByRole('heading', { name: 'Sản phẩm dự thi của trường' }).waitFor();
    // A call still in flight at the logout would end the session before the reload, and the reload would then show a
    // plain login page: the test would be about timing instead of what a user sees after the session ends elsewhere.
    await settled();
    expect((await t.as('school1@test.vn').post('/auth/logout')).statusCode).toBe(204);
    t.forgetTokens();
    await page.reload();
    await page.getByText('Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/dang-nhap');
  });

  it('shows who you are and your grants', async () => {
    await logIn('school1@test.vn');
    await page.goto(`${base}/tai-khoan`);
    await page.getByRole('cell', { name: 'Trường THCS Kế Sách (ST-KS-01)' }).waitFor();
    await expect(page.getByRole('cell', { name: 'Trường', exact: true }).count()).resolves.toBe(1);
    await shot('account');
    await page.getByRole('button', { name: 'Đăng xuất' }).first().click();
    await page.getByText('Bạn đã đăng xuất.').waitFor();
  });

  it('lets a school register an entry, showing a refused author next to the field, then fix it', async () => {
    await logIn('school1@test.vn');
    await page.goto(`${base}/truong`);
    const youth = page.getByRole('region', { name: /Cuộc thi Sáng tạo Thanh thiếu niên/ });
    await youth.getByRole('link', { name: 'Đăng ký sản phẩm' }).click();
    await page.getByLabel('Tên sản phẩm').fill('Máy tưới cây tự động');
    await page.getByLabel('Lĩnh vực').selectOption({ label: 'Sản phẩm thân thiện với môi trường' });
    await page.getByLabel('Tóm tắt').fill('Tưới nhỏ giọt theo độ ẩm của đất.');
    await page.getByRole('group', { name: 'Tác giả 1' }).getByLabel('Họ và tên').fill('Nguyễn Thị Hồng');
    await page.getByRole('group', { name: 'Tác giả 1' }).getByLabel('Ngày sinh').fill('05/03/2008');
    await page.getByRole('button', { name: 'Thêm tác giả' }).click();
    const second = page.getByRole('group', { name: 'Tác giả 2' });
    await second.getByLabel('Họ và tên').fill('Lê Văn Tí');
    await second.getByLabel('Ngày sinh').fill('01/01/2000');
    await page.getByRole('group', { name: 'Người liên hệ' }).getByLabel('Họ và tên').fill('Trần Văn Minh');
    await page.getByLabel('Thư điện tử').fill('gv.minh@school1.vn');
    await page.getByRole('button', { name: 'Đăng ký', exact: true }).click();
    await page.getByRole('alert').waitFor();

    // The API's reason, in Vietnamese, under the second author's date of birth and nowhere else.
    const birth = second.getByLabel('Ngày sinh');
    await expect(birth.getAttribute('aria-invalid')).resolves.toBe('true');
    const described = await birth.getAttribute('aria-describedby');
    const reason = await page.locator(`[id="${described!.split(' ').pop()}"]`).textContent();
    expect(reason).toBe('Lê Văn Tí: sinh ngày 01/01/2000, ngoài khoảng được dự thi 31/07/2001 – 31/07/2014');
    await expect(page.getByRole('group', { name: 'Tác giả 1' }).getByLabel('Ngày sinh').getAttribute('aria-invalid')).resolves.toBe('false');
    await shot('register-refused');

    await birth.fill('12/09/2009');
    await page.getByRole('button', { name: 'Đăng ký', exact: true }).click();
    const row = page.getByRole('row', { name: /Máy tưới cây tự động/ });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('Nguyễn Thị Hồng, Lê Văn Tí');
    await expect(row.textContent()).resolves.toContain('Đã đăng ký');
    await shot('school-entries');
  });

  it('lets a school attach dossier files with a progress bar, showing the API’s refusal of a file it does not take', async () => {
    await earlier.entryFromTheForm();
    await logIn('school1@test.vn');
    await page.goto(`${base}/truong`);
    await page.getByRole('link', { name: 'Sửa và hồ sơ: Máy tưới cây tự động' }).click();
    const dossier = page.getByRole('region', { name: 'Hồ sơ sản phẩm' });
    await dossier.getByText('Chưa có tệp nào.').waitFor();

    // A text file named as a PDF: the API reads the content and says what it takes.
    await dossier.getByLabel('Đính kèm tệp').setInputFiles({ name: 'ban-ve.pdf', mimeType: 'application/pdf', buffer: Buffer.from('chỉ là chữ') });
    await dossier.getByRole('button', { name: 'Tải lên' }).click();
    await expect(dossier.getByRole('alert').textContent()).resolves.toContain('Nội dung tệp không thuộc các loại được nhận (PDF, JPEG, PNG, WebP)');

    // A real drawing, sent over a slow line (40 kB/s, Chromium's own throttling: holding the request back with a
    // route would hold the upload too), so that the bar has time to move and be photographed; every value it shows
    // is written down in the page as it changes.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 40 * 1024 });
    await page.evaluate(`{
      const seen = (window.progressSeen = []);
      new MutationObserver(() => {
        const bar = document.querySelector('progress');
        if (bar && bar.value !== seen[seen.length - 1]) seen.push(bar.value);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    }`);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200_000, 7)]);
    await dossier.getByLabel('Đính kèm tệp').setInputFiles({ name: 'so-do-mach.png', mimeType: 'image/png', buffer: png });
    await dossier.getByRole('button', { name: 'Tải lên' }).click();
    await dossier.getByRole('progressbar', { name: 'Tiến độ tải lên' }).waitFor();
    await expect(dossier.getByRole('status').textContent()).resolves.toMatch(/^Đang tải lên: \d+%$/);
    await shot('dossier-upload');
    await dossier.getByTestId('dossier').getByRole('button', { name: 'so-do-mach.png', exact: true }).waitFor();
    await expect(dossier.getByRole('alert').count()).resolves.toBe(0);
    await expect(dossier.getByRole('progressbar').count()).resolves.toBe(0);
    await expect(dossier.getByTestId('dossier').textContent()).resolves.toContain('196 KB');
    const seen = (await page.evaluate('window.progressSeen')) as number[];
    // It climbed: values between 0 and 100 on the way, never going back, to the end of the upload. The answer can
    // arrive with the last progress event, and the bar then goes away in the render that would have shown 100.
    expect(seen.filter((value) => value > 0 && value < 100).length).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen[seen.length - 1]).toBeGreaterThanOrEqual(90);
  });

  it('lets a school download the template, see the refused rows of its file one by one, then register from the fixed file', async () => {
    await logIn('school1@test.vn');
    await page.goto(`${base}/truong`);
    await page
      .getByRole('region', { name: /Cuộc thi Sáng tạo Thanh thiếu niên/ })
      .getByRole('link', { name: 'Đăng ký theo tệp' })
      .click();
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Tải tệp mẫu CSV' }).click();
    const template = await downloading;
    expect(template.suggestedFilename()).toMatch(/\.csv$/);
    const [header, example] = parse(readFileSync((await template.path())!), { bom: true }) as string[][];
    const column = (pattern: RegExp) => header.findIndex((name) => pattern.test(name));
    const row = (reference: string, title: string, birthDate: string) => {
      const out = [...example];
      out[column(/^reference$/)] = reference;
      out[column(/^title$/)] = title;
      out[column(/1.*birth/)] = birthDate;
      // The account's own school takes the rows that name none.
      if (column(/^unit_code$/) >= 0) out[column(/^unit_code$/)] = '';
      return out;
    };
    const file = (rows: string[][]) => ({ name: 'dang-ky.csv', mimeType: 'text/csv', buffer: Buffer.from(stringify([header, ...rows])) });

    const upload = page.getByLabel('Tệp đã điền (Excel hoặc CSV)');
    await upload.setInputFiles(
      file([row('TEP-1', 'Đèn học năng lượng mặt trời', '15/03/2008'), row('TEP-2', 'Thùng rác phân loại', '01/01/1990'), row('TEP-3', 'Mô hình nhà chống lũ', '31/02/2009')]),
    );
    await page.getByRole('button', { name: 'Gửi tệp' }).click();
    const report = page.getByTestId('row-report');
    await report.waitFor();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Không có gì được nhập: 2 trên 3 dòng có lỗi');
    const refused = await report.locator('tbody tr').allTextContents();
    expect(refused).toEqual([expect.stringMatching(/^3.*01\/01\/1990/), expect.stringMatching(/^4/)]);
    await shot('bulk-refused');

    await upload.setInputFiles(file([row('TEP-1', 'Đèn học năng lượng mặt trời', '15/03/2008'), row('TEP-2', 'Thùng rác phân loại', '01/01/2010')]));
    await page.getByRole('button', { name: 'Gửi tệp' }).click();
    await page.getByText('Đã đăng ký 2 sản phẩm; 0 dòng đã có từ trước; 2 dòng trong tệp.').waitFor();
    await page.getByRole('link', { name: '← Sản phẩm của trường' }).click();
    await page.getByRole('row', { name: /Thùng rác phân loại/ }).waitFor();
  });

  it('lets a judge score two sheets with the keyboard alone, the total following the typing', async () => {
    await logIn('gk1@test.vn');
    await page.goto(`${base}/cham-thi/${panelId}`);
    await page.getByText('Còn 2 / 2 phiếu chưa xác nhận.').waitFor();
    await shot('judge-entries');
    await page.getByRole('link', { name: 'Phần mềm quản lý thư viện' }).click();
    await page.getByLabel('Tính mới, tính sáng tạo').waitFor();
    // The first criterion has the focus: type, Tab, type… Enter confirms and opens the next sheet.
    await page.keyboard.type('28');
    await page.keyboard.press('Tab');
    await page.keyboard.type('40');
    await page.keyboard.press('Tab');
    await page.keyboard.type('30');
    await expect(page.getByTestId('total').textContent()).resolves.toBe('98');
    // 40 is over the criterion's 35: the input holds it back and nothing is sent.
    await page.keyboard.press('Enter');
    await expect(page.locator('input:invalid').count()).resolves.toBe(1);
    const over = page.getByLabel('Khả năng áp dụng');
    await expect(page.getByRole('heading', { name: /Phần mềm quản lý thư viện/ }).count()).resolves.toBe(1);
    await shot('score-sheet');
    await over.fill('33');
    await expect(page.getByTestId('total').textContent()).resolves.toBe('91');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /Hệ thống tưới tiêu thông minh/ }).waitFor();
    await page.keyboard.type('20');
    await page.keyboard.press('Tab');
    await page.keyboard.type('25');
    await page.keyboard.press('Tab');
    await page.keyboard.type('25');
    await page.keyboard.press('Enter');
    await page.getByText('Đã chấm xong tất cả sản phẩm.').waitFor();
    await expect(page.getByRole('row', { name: /Phần mềm quản lý thư viện/ }).textContent()).resolves.toContain('91.00');
  });

  it('tells a judge what is left to do, and lets them declare a conflict that gives the entry to another judge', async () => {
    await earlier.firstJudgeScored();
    await logIn('gk1@test.vn');
    await page.goto(`${base}/hoi-dong`);
    await expect(page.getByRole('status').textContent()).resolves.toBe('Bạn còn 1 phiếu chưa xác nhận.');
    await expect(page.getByRole('listitem', { name: 'Hội đồng Công nghệ thông tin' }).textContent()).resolves.toContain('Đã chấm xong.');
    const mechanics = page.getByRole('listitem', { name: 'Hội đồng Cơ khí' });
    await expect(mechanics.textContent()).resolves.toContain('Còn 1 / 1 phiếu chưa xác nhận.');
    await shot('judge-panels');
    await mechanics.getByRole('link', { name: 'Chấm điểm' }).click();
    await page.getByRole('link', { name: 'Máy bóc vỏ đậu phộng' }).click();
    await page.getByText('Khai báo xung đột lợi ích').click();
    // Without a reason the API refuses, and says so beside the field.
    await page.getByRole('button', { name: 'Khai báo và trả lại sản phẩm' }).click();
    await refused(page.getByLabel('Lý do'));
    await page.getByLabel('Lý do').fill('Tôi là giáo viên hướng dẫn của tác giả.');
    await page.getByRole('button', { name: 'Khai báo và trả lại sản phẩm' }).click();
    await page.getByText('Đã ghi nhận xung đột lợi ích; sản phẩm đã được giao cho giám khảo khác.').waitFor();
    await expect(page.getByRole('link', { name: 'Máy bóc vỏ đậu phộng' }).count()).resolves.toBe(0);
    const assigned = await t.as('gk2@test.vn').get(`/panels/${mechanicsPanelId}/entries`);
    expect(assigned.json().map((e: { entryId: string }) => e.entryId)).toEqual([mechanicsEntryId]);
    // Out of the way of the prize list: the school withdraws it.
    expect((await t.as('school1@test.vn').post(`/entries/${mechanicsEntryId}/withdraw`)).statusCode).toBe(200);
  });

  it('lets the chair see a flag with both judges’ totals, settle it and close the panel', async () => {
    await earlier.secondJudgeScored();
    await logIn('chair@test.vn');
    await page.goto(`${base}/hoi-dong/${panelId}`);
    const flag = page.getByRole('region', { name: /Phần mềm quản lý thư viện/ });
    const text = await flag.textContent();
    expect(text).toContain('Chênh lệch: 21.00');
    expect(text).toContain('Giám khảo Một: 91.00');
    expect(text).toContain('Giám khảo Hai: 70.00');
    // Closing with a flag open is refused, with the API's reason.
    await page.getByRole('button', { name: 'Đóng hội đồng' }).click();
    await page.getByRole('alert').waitFor();
    await shot('chair');
    await flag.getByLabel('Ghi chú').fill('Hai giám khảo đánh giá khác nhau về khả năng áp dụng; giữ nguyên.');
    await flag.getByRole('button', { name: 'Xử lý cờ' }).click();
    await page.getByText('Không có cờ nào đang mở.').waitFor();
    await page.getByRole('button', { name: 'Đóng hội đồng' }).click();
    await page.getByText('Hội đồng đã đóng; điểm đã chốt.').waitFor();
  });

  it('lets an organiser preview the prize list with each decision’s reason and publish it, which the public page then shows', async () => {
    await earlier.editionInResults();
    await logIn('province@test.vn');
    await page.goto(`${base}/to-chuc/giai`);
    await page.getByLabel('Cuộc thi').selectOption({ label: 'Hội thi Sáng tạo Kỹ thuật tỉnh Sóc Trăng — 10 (2022-2023)' });
    await page.getByLabel('Vòng', { exact: true }).selectOption({ label: 'Cấp tỉnh' });
    await page.getByRole('button', { name: 'Xem trước' }).click();
    const first = page.getByTestId('preview').getByRole('row', { name: /Phần mềm quản lý thư viện/ });
    await first.waitFor();
    await expect(first.textContent()).resolves.toContain('Giải Nhì');
    await expect(first.textContent()).resolves.toContain('7.000.000\u00a0₫');
    await shot('prize-preview');
    await page.getByRole('button', { name: 'Công bố tạm thời' }).click();
    await page.getByText('Đã công bố tạm thời (phiên bản 1).').waitFor();

    // The public page, without logging in.
    const listId = (await t.db.source.query('SELECT id FROM prize_lists LIMIT 1'))[0].id;
    await fresh();
    await page.goto(`${base}/cong-bo/${listId}`);
    const rows = page.getByTestId('prizes').locator('tbody tr');
    await rows.first().waitFor();
    await expect(rows.allTextContents()).resolves.toEqual([expect.stringContaining('Phần mềm quản lý thư viện'), expect.stringContaining('Hệ thống tưới tiêu thông minh')]);
    await expect(page.getByRole('status').textContent()).resolves.toContain('Kết quả tạm thời');
    await shot('public-prize-list');
  });

  it('lets an organiser publish a correction with its reason, and the final list once the objection window is over', async () => {
    await earlier.provisionalPublished();
    await logIn('province@test.vn');
    await page.goto(`${base}/to-chuc/giai`);
    await page.getByLabel('Cuộc thi').selectOption({ label: 'Hội thi Sáng tạo Kỹ thuật tỉnh Sóc Trăng — 10 (2022-2023)' });
    await page.getByRole('button', { name: 'Xem trước' }).click();
    await page.getByText('Đã công bố tạm thời (phiên bản 1).').waitFor();
    // Too early for the final list: the API's reason is shown.
    await page.getByRole('button', { name: 'Công bố chính thức' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/chưa thể công bố chính thức/);
    // A correction needs its reason.
    await page.getByRole('button', { name: 'Công bố đính chính' }).click();
    await refused(page.getByLabel('Lý do đính chính'));
    await page.getByLabel('Lý do đính chính').fill('Sửa tên tác giả sản phẩm CNTT sau khiếu nại');
    await page.getByRole('button', { name: 'Công bố đính chính' }).click();
    await page.getByText('Đã công bố tạm thời (phiên bản 2). Nhận khiếu nại đến', { exact: false }).waitFor();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Lý do đính chính: Sửa tên tác giả sản phẩm CNTT sau khiếu nại');
    await shot('prize-correction');

    // Fifteen days later.
    await objectionWindowOver();
    await page.getByRole('button', { name: 'Công bố chính thức' }).click();
    await page.getByText('Đã công bố chính thức (phiên bản 3).').waitFor();
    await expect(page.getByRole('button', { name: 'Công bố chính thức' }).count()).resolves.toBe(0);
  });

  it('lets an organiser preview the picks for the national round, then confirm them', async () => {
    await earlier.finalPublished();
    await logIn('province@test.vn');
    await page.goto(`${base}/to-chuc/xet-chon`);
    await page.getByLabel('Cuộc thi').selectOption({ label: 'Hội thi Sáng tạo Kỹ thuật tỉnh Sóc Trăng — 10 (2022-2023)' });
    await page.getByRole('button', { name: 'Xem trước' }).click();
    const table = page.getByTestId('advancement');
    await table.waitFor();
    await expect(page.getByRole('heading', { name: 'Cấp tỉnh — Sóc Trăng → Toàn quốc — Việt Nam' }).count()).resolves.toBe(1);
    await page.getByRole('checkbox', { name: 'Chọn Phần mềm quản lý thư viện' }).check();
    await page.getByRole('button', { name: 'Xem trước lựa chọn' }).click();
    const picked = table.getByRole('row', { name: /Phần mềm quản lý thư viện/ });
    const other = table.getByRole('row', { name: /Hệ thống tưới tiêu thông minh/ });
    await expect(picked.textContent()).resolves.toMatch(/được chọn vào vòng sau$/);
    await expect(other.textContent()).resolves.toMatch(/không được chọn$/);
    await shot('advancement-preview');
    await page.getByRole('button', { name: 'Xác nhận chuyển vòng' }).click();
    await page.getByText('Đã chuyển 1 sản phẩm lên Toàn quốc; 0 sản phẩm đã ở đó từ trước.').waitFor();
  });

  it('shows a school its published results: each entry’s prize and whether it went on', async () => {
    await earlier.sentToTheNationalRound();
    await logIn('school1@test.vn');
    await page.goto(`${base}/truong`);
    await page
      .getByRole('region', { name: /Hội thi Sáng tạo Kỹ thuật/ })
      .getByRole('link', { name: 'Xem kết quả' })
      .click();
    const results = page.getByTestId('results');
    await results.waitFor();
    const library = await results
      .getByRole('row', { name: /Phần mềm quản lý thư viện/ })
      .first()
      .textContent();
    expect(library).toContain('Giải Nhì (chính thức, phiên bản 3)');
    expect(library).toContain('Được chọn lên vòng trên');
    const irrigation = await results.getByRole('row', { name: /Hệ thống tưới tiêu thông minh/ }).textContent();
    expect(irrigation).not.toContain('Được chọn lên vòng trên');
    await shot('school-results');
  });

  it('shows the organiser each panel’s per-judge load and progress, and a new panel’s errors beside its fields', async () => {
    await earlier.panelClosed();
    await logIn('province@test.vn');
    await page.goto(`${base}/to-chuc/hoi-dong`);
    const it = page.getByRole('region', { name: 'Hội đồng Công nghệ thông tin' });
    await expect(
      it
        .getByTestId(`load-${panelId}`)
        .getByRole('row', { name: /Giám khảo Một/ })
        .textContent(),
    ).resolves.toMatch(/Giám khảo Một2.*2\/2/);
    await expect(it.textContent()).resolves.toContain('2/2 sản phẩm đủ 2 điểm đã xác nhận; 0 cờ đang mở.');
    const mechanics = page.getByRole('region', { name: 'Hội đồng Cơ khí' });
    await expect(mechanics.getByRole('row', { name: /Giám khảo Ba/ }).textContent()).resolves.toMatch(/Giám khảo Ba1/);
    await shot('panels');

    const form = page.getByRole('region', { name: 'Lập hội đồng mới' });
    await form.getByLabel('Cuộc thi').selectOption({ label: 'Hội thi Sáng tạo Kỹ thuật tỉnh Sóc Trăng — 10 (2022-2023)' });
    await form.getByRole('button', { name: 'Lập hội đồng' }).click();
    await page.getByRole('alert').waitFor();
    for (const label of ['Tên hội đồng', 'Mở chấm', 'Đóng chấm']) await refused(form.getByLabel(label));
  });

  it('draws the season report as tables and charts: entries per stage, prizes per level and field, and the plan', async () => {
    await earlier.sentToTheNationalRound();
    await logIn('province@test.vn');
    await page.goto(`${base}/to-chuc/bao-cao`);
    await page.getByLabel('Cuộc thi').selectOption({ label: 'Hội thi Sáng tạo Kỹ thuật tỉnh Sóc Trăng — 10 (2022-2023)' });
    await page.getByRole('button', { name: 'Xem báo cáo' }).click();
    const stages = page.getByTestId('report-stages');
    await stages.waitFor();
    // Entries, sent up, prizes, prize money.
    await expect(
      stages
        .getByRole('row', { name: /Cấp tỉnh/ })
        .getByRole('cell')
        .allTextContents(),
    ).resolves.toEqual(['Cấp tỉnh', '2', '1', '2', '12.000.000\u00a0₫']);
    const prizes = page.getByTestId('report-prizes');
    await expect(prizes.getByRole('row', { name: /Giải Nhì/ }).textContent()).resolves.toContain('7.000.000\u00a0₫');
    await expect(page.getByRole('img', { name: /^Sản phẩm theo vòng: Cấp tỉnh 2; Toàn quốc 1$/ }).count()).resolves.toBe(1);
    await expect(page.getByRole('img', { name: /^Đạt so với kế hoạch: 5%$/ }).count()).resolves.toBe(1);
    await shot('season-report');
  });

  it('lists the audit trail, filtered by action', async () => {
    await earlier.conflictDeclared();
    await logIn('province@test.vn');
    await page.goto(`${base}/to-chuc/nhat-ky`);
    await page.getByTestId('audit').waitFor();
    await page.getByLabel('Thao tác').fill('entry.withdraw');
    await page.getByRole('button', { name: 'Lọc' }).click();
    await page.getByText('1 bản ghi').waitFor();
    await expect(page.getByTestId('audit').locator('tbody tr').textContent()).resolves.toContain('THCS Kế Sách');
    await shot('audit');
  });

  it('lets an organiser edit an edition and create the next one, each refusal shown beside its field', async () => {
    await logIn('province@test.vn');
    await page.goto(`${base}/to-chuc/cuoc-thi`);
    await page.getByRole('link', { name: 'Sửa Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng — 6 (2017)' }).click();
    const authors = page.getByLabel('Số tác giả tối đa');
    await authors.fill('0');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await refused(authors);
    await shot('edition-edit');
    await authors.fill('6');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lưu (phiên bản 2).').waitFor();

    await page.getByRole('link', { name: '← Các lần tổ chức' }).click();
    await page.getByRole('link', { name: 'Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng', exact: true }).click();
    await expect(page.getByLabel('Lần thứ').inputValue()).resolves.toBe('7');
    await page.getByLabel('Mùa thi').fill('2018');
    await page.getByRole('button', { name: 'Tạo lần mới' }).click();
    // No registration window yet: both dates are named.
    await refused(page.getByLabel('Mở đăng ký'));
    await refused(page.getByLabel('Đóng đăng ký'));
    await page.getByLabel('Mở đăng ký').fill('01/03/2018 00:00');
    await page.getByLabel('Đóng đăng ký').fill('31/07/2018 17:00');
    await page.getByRole('button', { name: 'Tạo lần mới' }).click();
    await page.getByRole('heading', { name: 'Sửa: Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng — lần 7' }).waitFor();
    await expect(page.getByText('Giai đoạn: Bản nháp').count()).resolves.toBe(1);
  });

  /**
   * A new edition of the technical contest, copied from the fixture's definition, moved on to `state`: each edition
   * test edits one of its own (numbers from 11 on, never the fixture's), so it passes alone and leaves the others be.
   */
  async function technicalEdition(number: number, state: 'draft' | 'registration' | 'judging' | 'results' = 'draft'): Promise<string> {
    const organiser = t.as('province@test.vn');
    const fixture = t.world.editions.get(TECHNICAL_EDITION)!.edition;
    const view = (await organiser.get(`/editions/${fixture.id}`)).json();
    const { registrationOpensAt, registrationClosesAt, eligibility, maxAuthors, plannedEntries } = view;
    const created = await organiser.post(`/contests/${fixture.contestId}/editions`, {
      number,
      seasonLabel: `${2012 + number}`,
      registrationOpensAt,
      registrationClosesAt,
      eligibility,
      maxAuthors,
      plannedEntries,
      fields: view.fields.map(({ code, name }: { code: string; name: string }) => ({ code, name })),
      rubric: view.rubric.map(({ code, name, maxPoints }: { code: string; name: string; maxPoints: number }) => ({ code, name, maxPoints })),
      stages: view.stages.map(({ id: _id, position: _position, ...stage }: { id: string; position: number }) => stage),
    });
    expect(created.statusCode).toBe(201);
    const id: string = created.json().id;
    const steps = { draft: [], registration: ['registration'], judging: ['registration', 'judging'], results: ['registration', 'judging', 'results'] }[state];
    for (const next of steps) expect((await organiser.post(`/editions/${id}/state`, { state: next })).statusCode).toBe(200);
    return id;
  }

  async function editEdition(id: string) {
    await logIn('province@test.vn');
    await page.goto(`${base}/to-chuc/cuoc-thi/${id}`);
    await page.getByRole('heading', { name: /^Sửa: Hội thi Sáng tạo Kỹ thuật/ }).waitFor();
  }

  const group = (name: string, within: Page | Locator = page) => within.getByRole('group', { name, exact: true });

  it('lets an organiser change a rubric criterion, add one, and change a prize quota, and shows them after a reload', async () => {
    const id = await technicalEdition(11);
    await editEdition(id);
    await group('tiêu chí 1').getByLabel('Điểm tối đa').fill('25');
    await page.getByRole('button', { name: 'Thêm tiêu chí' }).click();
    const added = group('tiêu chí 4');
    await added.getByLabel('Mã').fill('presentation');
    await added.getByLabel('Tên tiêu chí').fill('Trình bày, thuyết minh');
    await added.getByLabel('Điểm tối đa').fill('5');
    await page.getByRole('button', { name: 'Đưa tiêu chí 4 lên' }).click();
    const first = group('giải 1', group('vòng 1'));
    await first.getByLabel('Chỉ tiêu', { exact: true }).fill('2');
    await first.getByLabel('Tiền thưởng (đồng)').fill('12000000');
    // The stage's level is one of the API's unit levels, by their Vietnamese names.
    const level = group('vòng 2').getByLabel('Cấp đơn vị', { exact: true });
    await expect(level.locator('option').allTextContents()).resolves.toEqual(['Toàn quốc', 'Tỉnh', 'Huyện', 'Trường']);
    await expect(level.inputValue()).resolves.toBe('nation');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lưu (phiên bản 2).').waitFor();
    await shot('edition-rubric');

    await page.reload();
    await expect(group('tiêu chí 1').getByLabel('Điểm tối đa').inputValue()).resolves.toBe('25');
    await expect(group('tiêu chí 3').getByLabel('Tên tiêu chí').inputValue()).resolves.toBe('Trình bày, thuyết minh');
    await expect(group('tiêu chí 4').getByLabel('Mã').inputValue()).resolves.toBe('effect');
    await expect(group('giải 1', group('vòng 1')).getByLabel('Chỉ tiêu', { exact: true }).inputValue()).resolves.toBe('2');
    await expect(group('giải 1', group('vòng 1')).getByLabel('Tiền thưởng (đồng)').inputValue()).resolves.toBe('12000000');
  });

  it('shows each refusal beside the input it names, down to a prize level of a stage and a tie-break', async () => {
    const id = await technicalEdition(12);
    await editEdition(id);
    const stage = group('vòng 1');
    const quota = group('giải 2', stage).getByLabel('Chỉ tiêu', { exact: true });
    await quota.fill('-1');
    const tieBreak = stage.getByLabel('Tiêu chí phân định khi bằng điểm');
    await tieBreak.fill('novelty, beauty');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await refused(quota);
    // `stages[0].tieBreak[1]` has no input of its own: it is shown under the tie-break list.
    await refused(tieBreak);
    await expect(page.locator('[aria-invalid="true"]').count()).resolves.toBe(2);
    const described = await quota.getAttribute('aria-describedby');
    await expect(page.locator(`[id="${described!.split(' ').pop()}"]`).textContent()).resolves.toMatch(/.+/);
    // Nothing was written: the page still offers version 1.
    expect((await t.as('province@test.vn').get(`/editions/${id}`)).json().version).toBe(1);
  });

  it('tells the organiser when someone else saved the edition first, and reloads the newer one on request', async () => {
    const id = await technicalEdition(13);
    await editEdition(id);
    const organiser = t.as('province@test.vn');
    const view = (await organiser.get(`/editions/${id}`)).json();
    expect((await organiser.put(`/editions/${id}`, { ...view, seasonLabel: 'Sửa ở máy khác' })).statusCode).toBe(200);

    await page.getByLabel('Mùa thi').fill('2025-2026');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('đã được người khác sửa (nay là phiên bản 2)');
    await expect(page.getByRole('alert').locator('li').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Tải lại bản mới nhất (bỏ thay đổi của bạn)' }).click();
    // Polled from here: waitForFunction evaluates its text inside the page, which the page's CSP (no 'unsafe-eval') refuses.
    await eventually('the newer edition in the form', async () => (await page.getByLabel('Mùa thi').inputValue()) === 'Sửa ở máy khác');
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    await page.getByLabel('Mùa thi').fill('2025-2026');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lưu (phiên bản 3).').waitFor();
  });

  it('locks what the edition’s state keeps, and shows the API’s refusal to remove a field that entries use', async () => {
    const judging = await technicalEdition(14, 'judging');
    await editEdition(judging);
    await expect(group('tiêu chí 1').getByLabel('Điểm tối đa').isDisabled()).resolves.toBe(true);
    await expect(group('tiêu chí 1').getByLabel('Tên tiêu chí').isDisabled()).resolves.toBe(false);
    await expect(page.getByRole('button', { name: 'Thêm tiêu chí' }).isDisabled()).resolves.toBe(true);
    await expect(group('vòng 1').getByLabel('Số giám khảo mỗi bài').isDisabled()).resolves.toBe(true);
    await expect(group('giải 1', group('vòng 1')).getByLabel('Tiền thưởng (đồng)').isDisabled()).resolves.toBe(false);
    await expect(group('vòng 1').getByLabel('Cấp đơn vị', { exact: true }).isDisabled()).resolves.toBe(true);
    await expect(group('vòng 2').getByLabel('Vòng này xét giải').isDisabled()).resolves.toBe(false);
    await shot('edition-locked');

    // Once results are out, a stage that awarded nothing cannot start to.
    await editEdition(await technicalEdition(16, 'results'));
    await expect(group('vòng 2').getByLabel('Vòng này xét giải').isDisabled()).resolves.toBe(true);
    await expect(group('vòng 1').getByLabel('Vòng này xét giải').isDisabled()).resolves.toBe(true);

    const open = await technicalEdition(15, 'registration');
    const registered = await registerTechnical(open, { title: 'Bộ đếm sản phẩm băng chuyền', fieldCode: 'CK', summary: 'Đếm sản phẩm bằng cảm biến quang.', author: 'Lê Văn Cường' });
    expect(registered.statusCode).toBe(201);
    await editEdition(open);
    await page.getByRole('button', { name: 'Xóa lĩnh vực 2' }).click();
    await page.getByRole('button', { name: 'Lưu' }).click();
    const reason = page.locator('[data-field="fields"]');
    await expect(reason.textContent()).resolves.toContain('CK');
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain('Đã có bài dự thi dùng phần mà thay đổi này định xóa');
  });

  it('lists 4,000 entries for the organiser, a page at a time, and says how long the first render took', async () => {
    await earlier.entryFromTheForm();
    await earlier.entriesFromTheFile();
    const schools = ['ST-KS-01', 'ST-KS-02', 'ST-MT-01'];
    const fields = ['HT', 'PM', 'MT'];
    await registerEntries(
      t.db.source,
      t.world,
      Array.from({ length: 4000 }, (_, i) => ({ edition: YOUTH_EDITION, school: schools[i % 3], reference: `BULK-${i + 1}`, field: fields[i % 3], title: `Sản phẩm số ${i + 1}` })),
    );
    await logIn('province@test.vn');
    const started = Date.now();
    await page.goto(`${base}/to-chuc/san-pham?editionId=${t.world.editions.get(YOUTH_EDITION)!.edition.id}`);
    await page.getByTestId('entries').locator('tbody tr').nth(99).waitFor();
    const firstRender = Date.now() - started;
    // The school's three entries (one from the form, two from the file) and the 4,000.
    await page.getByText('4.003 sản phẩm').waitFor();
    await expect(page.getByText('Trang 1/41').count()).resolves.toBe(1);
    console.log(`Entry list, 4,003 entries: first page rendered ${firstRender} ms after navigation (login done)`);
    await shot('organiser-entries');
  }, 180_000);
});
