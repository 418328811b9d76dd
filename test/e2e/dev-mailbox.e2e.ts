import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '../../src/core/config/config';
import { DevMailbox } from '../../src/notifications/dev-mailbox';
import { TestApp } from '../support/test-app';

/** The development mailbox holds every mail ever sent: who may read it depends on who can reach the app. */
describe('development mailbox access (e2e)', () => {
  async function withMail(t: TestApp): Promise<string> {
    const mailbox = new DevMailbox(join(t.app.get<AppConfig>(APP_CONFIG).dataDir, 'mailbox'));
    const entry = await mailbox.store(Buffer.from('Subject: Tai khoan moi\r\n\r\nMat khau tam: 123456'), ['co.lan@example.vn']);
    return entry.id;
  }

  describe('listening on a loopback address (the default)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await TestApp.start({ workers: false });
    });
    afterAll(() => t.stop());

    it('shows the mail without a login, so a newcomer can follow the demo', async () => {
      const id = await withMail(t);
      const list = await t.request('GET', '/dev/mailbox');
      expect(list.statusCode).toBe(200);
      expect(list.json().items.map((m: { id: string }) => m.id)).toEqual([id]);
      expect((await t.request('GET', `/dev/mailbox/${id}`)).json().text).toContain('Mat khau tam');
    });
  });

  describe('listening where others reach it (HOST=0.0.0.0)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await TestApp.start({ workers: false, env: { HOST: '0.0.0.0' } });
    });
    afterAll(() => t.stop());

    it('shows the mail to administrators only', async () => {
      const id = await withMail(t);
      for (const url of ['/dev/mailbox', `/dev/mailbox/${id}`]) {
        const anonymous = await t.request('GET', url);
        expect(anonymous.statusCode).toBe(401);
        expect(anonymous.json().code).toBe('UNAUTHENTICATED');
        expect((await t.as('province@test.vn').get(url)).statusCode).toBe(403);
      }
      const list = await t.as('admin@test.vn').get('/dev/mailbox');
      expect(list.statusCode).toBe(200);
      expect(list.json().items.map((m: { id: string }) => m.id)).toEqual([id]);
      expect((await t.as('admin@test.vn').get(`/dev/mailbox/${id}`)).json().text).toContain('Mat khau tam');
    });

    it('says so in the API docs', async () => {
      const paths = (await t.request('GET', '/docs-json')).json().paths;
      for (const path of ['/dev/mailbox', '/dev/mailbox/{id}']) {
        expect(paths[path].get.security).toEqual([{ bearer: [] }]);
        expect(Object.keys(paths[path].get.responses)).toEqual(expect.arrayContaining(['401', '403']));
      }
    });
  });
});
