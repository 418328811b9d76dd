import Handlebars from 'handlebars';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UndeliverableMailError, UnknownTemplateError } from './notifications.errors';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

interface CompiledTemplate {
  subject: Handlebars.TemplateDelegate;
  html: Handlebars.TemplateDelegate;
  text: Handlebars.TemplateDelegate;
}

const PARTS = ['subject', 'html', 'text'] as const;

/** `templates/mail` of the project, found from here whether running from `src/` (tests) or `dist/src/` (build). */
export function defaultMailTemplatesDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'templates', 'mail');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`No templates/mail directory above ${__dirname}`);
  }
}

/**
 * Mail templates under `<dir>/<name>.subject.hbs`, `<name>.html.hbs` and `<name>.text.hbs`, with HTML partials
 * (such as the layout) under `<dir>/partials/`. Each template is compiled once, on first use.
 * Only the HTML part escapes data; subject and text are plain text and keep it as written.
 */
export class MailTemplates {
  private readonly handlebars = Handlebars.create();
  private readonly compiled = new Map<string, CompiledTemplate>();

  constructor(private readonly dir: string = defaultMailTemplatesDir()) {
    const partials = join(dir, 'partials');
    if (existsSync(partials)) {
      for (const file of readdirSync(partials).filter((name) => name.endsWith('.hbs'))) {
        this.handlebars.registerPartial(basename(file, '.hbs').replace(/\.html$/, ''), readFileSync(join(partials, file), 'utf8'));
      }
    }
  }

  render(name: string, data: Record<string, unknown>): RenderedMail {
    const template = this.template(name);
    try {
      return {
        subject: template.subject(data).replace(/\s+/g, ' ').trim(),
        html: template.html(data),
        text: template.text(data),
      };
    } catch (error) {
      throw new UndeliverableMailError(`Mail template "${name}" cannot be rendered: ${(error as Error).message}`);
    }
  }

  private template(name: string): CompiledTemplate {
    const cached = this.compiled.get(name);
    if (cached) return cached;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new UnknownTemplateError(name);
    const files = Object.fromEntries(PARTS.map((part) => [part, join(this.dir, `${name}.${part}.hbs`)])) as Record<(typeof PARTS)[number], string>;
    const missing = PARTS.filter((part) => !existsSync(files[part]));
    if (missing.length === PARTS.length) throw new UnknownTemplateError(name);
    if (missing.length) throw new UnknownTemplateError(name, `missing ${missing.map((part) => basename(files[part])).join(', ')}`);
    // strict: a field missing from the data is an error, not a silent blank in a mail to a school.
    const compile = (part: (typeof PARTS)[number], escape: boolean) =>
      this.handlebars.compile(readFileSync(files[part], 'utf8'), { strict: true, noEscape: !escape });
    const template = { subject: compile('subject', false), html: compile('html', true), text: compile('text', false) };
    this.compiled.set(name, template);
    return template;
  }
}
