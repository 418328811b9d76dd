import { passwordToken } from '../core/auth/password-tokens';
import { MAIL_KINDS, MAIL_LANGUAGES, MailKind, MailKinds, MailLanguage, MailPayload } from '../core/outbox/mail-catalogue';
import { MailTemplates, RenderedMail } from './mail-templates';

export interface MailContext {
  publicUrl: string;
  /** Derives password links from their token id (see core/auth/password-tokens). */
  secret: string;
}

/** What a template reads: the kind's data plus what only delivery may add (a usable link is never stored). */
export function mailView<K extends MailKind>(payload: MailPayload<K>, context: MailContext): object {
  const data: MailKinds[MailKind] = payload.data;
  if ('passwordTokenId' in data) {
    const link = `${context.publicUrl.replace(/\/$/, '')}/set-password?token=${encodeURIComponent(passwordToken(context.secret, data.passwordTokenId))}`;
    return { ...data, link };
  }
  return data;
}

/** A kind rendered with its sample data, as administrators preview it. */
export function renderSample(templates: MailTemplates, kind: MailKind, language: MailLanguage, context: MailContext): RenderedMail {
  return templates.render(kind, language, mailView({ kind, to: 'preview@example.vn', data: MAIL_SAMPLES[kind] }, context));
}

/**
 * Renders every kind in every language with its sample: each template compiled (Handlebars compiles on first use)
 * and run once. Throws for the first one that cannot render.
 */
export function renderEverySample(templates: MailTemplates, context: MailContext): void {
  for (const kind of MAIL_KINDS) for (const language of MAIL_LANGUAGES) renderSample(templates, kind, language, context);
}

/** Sample data for every kind (the admin preview, and the test that renders every template in every language). */
export const MAIL_SAMPLES: { [K in MailKind]: MailKinds[K] } = {
  'entries-registered': {
    schoolName: 'Trường THCS Kế Sách',
    contestName: 'Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng',
    editionNumber: 6,
    seasonLabel: '2017',
    entries: [
      { id: '5b0f4a52-1c7e-4d59-8d0c-3f1f3f0d6a11', title: 'Máy tưới cây tự động', reference: 'KS01-007' },
      { id: '7d1e2c33-9a4b-4f6e-8b1a-2c3d4e5f6a7b', title: 'Robot nhặt rác bãi biển', reference: 'KS01-008' },
    ],
  },
  'account-created': {
    fullName: 'Nguyễn Thị Lan',
    email: 'lan.nguyen@example.vn',
    passwordTokenId: '3f1f3f0d-6a11-4d59-8d0c-5b0f4a521c7e',
    expiresAt: '2017-03-14T10:30:00.000Z',
  },
  'password-reset': {
    fullName: 'Nguyễn Thị Lan',
    passwordTokenId: '3f1f3f0d-6a11-4d59-8d0c-5b0f4a521c7e',
    expiresAt: '2017-03-14T10:30:00.000Z',
  },
  'judge-assigned': {
    judgeName: 'Nguyễn Thị Hoa',
    panelName: 'Hội đồng giám khảo lĩnh vực Công nghệ thông tin',
    panelId: '9c2d7e11-4b3a-4f5e-8a6b-1c2d3e4f5a6b',
    newEntries: 12,
    scoringClosesAt: '2017-08-20T16:59:00.000Z',
  },
  'rescore-asked': {
    judgeName: 'Nguyễn Thị Hoa',
    panelName: 'Hội đồng giám khảo lĩnh vực Công nghệ thông tin',
    panelId: '9c2d7e11-4b3a-4f5e-8a6b-1c2d3e4f5a6b',
    entryId: '5b0f4a52-1c7e-4d59-8d0c-3f1f3f0d6a11',
    entryLabel: 'SBD-0007',
    note: 'Xem lại tiêu chí tính mới',
    scoringClosesAt: '2017-08-20T16:59:00.000Z',
  },
  'scoring-reminder': {
    judgeName: 'Nguyễn Thị Hoa',
    panelName: 'Hội đồng giám khảo lĩnh vực Công nghệ thông tin',
    panelId: '9c2d7e11-4b3a-4f5e-8a6b-1c2d3e4f5a6b',
    unconfirmed: 3,
    assigned: 12,
    scoringClosesAt: '2017-08-20T16:59:00.000Z',
  },
  'advancement-digest': {
    contestName: 'Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng',
    editionNumber: 6,
    seasonLabel: '2017',
    stageName: 'Vòng cấp tỉnh',
    unitName: 'Tỉnh Sóc Trăng',
    schoolName: 'Trường THCS Kế Sách',
    entries: [{ reference: 'KS01-007', title: 'Máy tưới cây tự động' }],
  },
  'national-selection': {
    contestName: 'Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng',
    editionNumber: 6,
    seasonLabel: '2017',
    stageName: 'Vòng toàn quốc',
    unitName: 'Việt Nam',
    schoolName: 'Trường THCS Kế Sách',
    entries: [{ reference: 'KS01-007', title: 'Máy tưới cây tự động' }],
  },
  'prize-list-published': {
    contestName: 'Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Sóc Trăng',
    editionNumber: 6,
    seasonLabel: '2017',
    stageName: 'Vòng cấp tỉnh',
    unitName: 'Tỉnh Sóc Trăng',
    schoolName: 'Trường THCS Kế Sách',
    prizeListId: '2a7c1d44-5e6f-4a8b-9c0d-1e2f3a4b5c6d',
    version: 1,
    phase: 'provisional',
    objectionEndsAt: '2017-09-05T16:59:00.000Z',
    awarded: 2,
    publicPath: '/public/prize-lists/2a7c1d44-5e6f-4a8b-9c0d-1e2f3a4b5c6d?version=1',
  },
};
