import type { Transporter } from 'nodemailer';
import { loadConfig } from '../core/config/config';
import type { Runtime } from '../core/core.module';
import { eventually } from '../../test/support/eventually';
import { TestMailbox } from '../../test/support/test-mailbox';
import { MailSender, OutgoingMail } from './mail-sender';

describe('MailSender', () => {
  let mailbox: TestMailbox;
  let sender: MailSender;

  beforeEach(async () => {
    mailbox = await new TestMailbox().start();
    const config = loadConfig({ JWT_SECRET: 'mail-sender-spec-secret-long-enough-for-hs256', MAIL_CONCURRENCY: '2' });
    sender = new MailSender({ config, smtpUrl: mailbox.url, databaseUrl: '', redisUrl: '' } as Runtime);
  });

  afterEach(async () => {
    sender.onApplicationShutdown();
    await mailbox.stop();
  });

  const mail = (n: number): OutgoingMail => ({ to: `truong${n}@example.vn`, subject: `Thư ${n}`, text: `Nội dung ${n}`, html: `<p>Nội dung ${n}</p>`, messageId: `<mail-${n}@contest.local>` });

  it('hands the transport two mails per connection at most, the others in turn, and sends every one once the server answers', async () => {
    mailbox.hold();
    const transport = (sender as unknown as { transport: Transporter }).transport;
    const handedOver = jest.spyOn(transport, 'sendMail');
    const outcomes = Array.from({ length: 30 }, (_, n) =>
      sender.send(mail(n)).then(
        () => 'sent',
        () => 'refused',
      ),
    );
    // One mail on each of the two connections waits for the server's answer, one more per connection waits in the transport.
    await eventually('a mail on each connection', () => mailbox.heldCount === 2 || undefined);
    expect(handedOver).toHaveBeenCalledTimes(4);

    // The server refuses the held two (451) and accepts the rest: each waiting mail takes the slot of one that ended.
    mailbox.dropHeld();
    const results = await Promise.all(outcomes);
    expect(results.filter((r) => r === 'refused')).toHaveLength(2);
    expect(handedOver).toHaveBeenCalledTimes(30);
    expect(new Set(mailbox.messages.map((m) => m.subject)).size).toBe(28);
  });
});
