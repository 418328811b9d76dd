import { judgeAssignedMail, rescoreAskedMail } from '../core/outbox/mail-catalogue';
import { MailTemplates } from '../notifications/mail-templates';

const panel = { id: 'p1', name: 'Hội đồng giám khảo lĩnh vực Công nghệ thông tin', scoringClosesAt: new Date('2017-08-20T16:59:00Z') };
const judge = { id: 'j1', email: 'gk1@test.vn', fullName: 'Nguyễn Thị Hoa' };

describe('judging mail', () => {
  const templates = new MailTemplates();

  it('tells a judge how many entries they got and until when, in Vietnam time, once per assignment run', () => {
    const event = judgeAssignedMail(panel, judge, 12, 'run-1');
    expect(event.eventKey).toBe('judge-assigned:p1:j1:run-1');
    expect(event.payload.to).toBe('gk1@test.vn');
    const mail = templates.render(event.payload.kind, 'vi', event.payload.data);
    expect(mail.subject).toBe('Phân công chấm thi: Hội đồng giám khảo lĩnh vực Công nghệ thông tin');
    expect(mail.text).toContain('thêm 12 sản phẩm');
    expect(mail.text).toContain('20/08/2017');
    expect(mail.text).toContain('23:59');
  });

  it('asks a judge to rescore an entry by its blind number, with the chair’s note, in either language', () => {
    const event = rescoreAskedMail(panel, judge, { id: 'e1', label: 'SBD-0007' }, 'Xem lại tiêu chí tính mới', 'f1');
    expect(event.eventKey).toBe('rescore-asked:f1');
    const vi = templates.render(event.payload.kind, 'vi', event.payload.data);
    expect(vi.subject).toContain('SBD-0007');
    expect(vi.text).toContain('Xem lại tiêu chí tính mới');
    const en = templates.render(event.payload.kind, 'en', event.payload.data);
    expect(en.subject).toBe('Please score again: SBD-0007 (Hội đồng giám khảo lĩnh vực Công nghệ thông tin)');
  });
});
