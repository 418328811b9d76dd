import Handlebars from 'handlebars';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { formatDateTime } from '../core/i18n/format';
import { MAIL_KINDS, MailLanguage } from '../core/outbox/mail-catalogue';
import { UndeliverableMailError, UnknownTemplateError } from './notifications.errors';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

type Part = 'subject' | 'html' | 'text';
const PARTS: Part[] = ['subject', 'html', 'text'];

/** `templates/mail` of the project, found from here whether running from `src/` (tests) or `dist/src/` (build). */
export function defaultMailTemplatesDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'templates', 'mail');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`No templates/mail directory above ${__dirname}`);
  }
}

function environment(partials: Map<string, string>): typeof Handlebars {
  const env = Handlebars.create();
  env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // Vietnam time, DD/MM/YYYY HH:mm, whatever the server's zone: as every message and export shows an instant.
  env.registerHelper('datetime', (iso: string) => formatDateTime(iso));
  for (const [name, source] of partials) env.registerPartial(name, source);
  return env;
}

/**
 * Mail templates under `<dir>/<language>/<kind>.subject.hbs`, `.html.hbs` and `.text.hbs`; the shared layouts are
 * `<dir>/partials/layout.html.hbs` and `layout.text.hbs`. Compiled in strict mode, once, on first use. Only the HTML
 * part escapes data; subject and text are plain text and keep it as written.
 */
export class MailTemplates {
  private readonly html: typeof Handlebars;
  private readonly plain: typeof Handlebars;
  private readonly compiled = new Map<string, Record<Part, Handlebars.TemplateDelegate>>();

  constructor(private readonly dir: string = defaultMailTemplatesDir()) {
    const partials = { html: new Map<string, string>(), text: new Map<string, string>() };
    const partialsDir = join(dir, 'partials');
    if (existsSync(partialsDir)) {
      for (const file of readdirSync(partialsDir)) {
        const match = /^(.+)\.(html|text)\.hbs$/.exec(file);
        if (match) partials[match[2] as 'html' | 'text'].set(match[1], readFileSync(join(partialsDir, file), 'utf8'));
      }
    }
    this.html = environment(partials.html);
    this.plain = environment(partials.text);
  }

  /** `view` is the kind's data plus what delivery adds (the recipient's language, links). */
  render(kind: string, language: MailLanguage, view: object): RenderedMail {
    const template = this.template(kind, language);
    const data = { ...view, lang: language };
    try {
      return {
        subject: template.subject(data).replace(/\s+/g, ' ').trim(),
        html: template.html(data),
        text: template.text(data).replace(/\n{3,}/g, '\n\n'),
      };
    } catch (error) {
      throw new UndeliverableMailError(`Mail template "${language}/${kind}" cannot be rendered: ${(error as Error).message}`);
    }
  }

  private template(kind: string, language: MailLanguage): Record<Part, Handlebars.TemplateDelegate> {
    const key = `${language}/${kind}`;
    const cached = this.compiled.get(key);
    if (cached) return cached;
    if (!(MAIL_KINDS as readonly string[]).includes(kind)) throw new UnknownTemplateError(kind);
    const files = Object.fromEntries(PARTS.map((part) => [part, join(this.dir, language, `${kind}.${part}.hbs`)])) as Record<Part, string>;
    const missing = PARTS.filter((part) => !existsSync(files[part]));
    if (missing.length) throw new UnknownTemplateError(key, `missing ${missing.map((part) => basename(files[part])).join(', ')}`);
    // strict: a field missing from the data is an error, not a silent blank in a mail to a school.
    const compile = (part: Part) => (part === 'html' ? this.html : this.plain).compile(readFileSync(files[part], 'utf8'), { strict: true, noEscape: part !== 'html' });
    const template = { subject: compile('subject'), html: compile('html'), text: compile('text') };
    this.compiled.set(key, template);
    return template;
  }
}
