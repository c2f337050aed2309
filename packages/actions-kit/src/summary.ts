import * as core from '@actions/core';

/** Where job summary markdown goes. */
export interface SummarySink {
  append(markdown: string): Promise<void>;
}

/**
 * The step summary over `core.summary`. Outside a runner (no GITHUB_STEP_SUMMARY) there is nowhere to
 * write, so the markdown is dropped rather than failing the action.
 */
export function actionsSummarySink(env: NodeJS.ProcessEnv = process.env): SummarySink {
  return {
    async append(markdown) {
      if (!env['GITHUB_STEP_SUMMARY']) return;
      await core.summary.addRaw(markdown, true).write();
    },
  };
}

/** A table cell: plain values are escaped; `{ code }` shows monospace; `{ text, href }` is a link. */
export type Cell =
  | string
  | number
  | boolean
  | null
  | undefined
  | { readonly code: string }
  | { readonly text: string; readonly href: string };

const HTML: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Escapes HTML so the text shows literally inside an HTML element. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => HTML[c]!);
}

/**
 * Escapes text for inline markdown: HTML, emphasis, links, code spans and table pipes show literally;
 * line starts cannot become headings, lists or quotes; newlines become `<br>` so a table row stays one line.
 */
export function escapeMarkdown(text: string): string {
  return text
    .split(/\r?\n|\r/)
    .map((line) =>
      escapeHtml(line)
        .replace(/[\\`*_[\]|~]/g, '\\$&')
        .replace(/^(\s*)([#+\-=])/, '$1\\$2')
        .replace(/^(\s*\d+)([.)])(?=\s|$)/, '$1\\$2'),
    )
    .join('<br>');
}

function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  if (typeof cell === 'string') return escapeMarkdown(cell);
  if ('code' in cell) return cell.code === '' ? '' : `<code>${escapeMarkdown(cell.code)}</code>`;
  return link(cell.text, cell.href);
}

function link(text: string, href: string): string {
  const safe = /^https?:\/\//i.test(href) ? href.replace(/[\s()<>|\\"]/g, percentEncode) : undefined;
  return safe === undefined ? escapeMarkdown(text) : `[${escapeMarkdown(text)}](${safe})`;
}

function percentEncode(c: string): string {
  return `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}

function row(cells: readonly Cell[]): string {
  return `| ${cells.map(cellText).join(' | ')} |`;
}

/**
 * Builds a job summary in markdown; every user-supplied string is escaped so it cannot break the layout.
 * `write()` appends what was built to the step summary and starts over.
 */
export class JobSummary {
  private readonly blocks: string[] = [];

  constructor(private readonly sink: SummarySink = actionsSummarySink()) {}

  heading(text: string, level = 2): this {
    const depth = Math.min(6, Math.max(1, Math.trunc(level)));
    return this.add(`${'#'.repeat(depth)} ${escapeMarkdown(text)}`);
  }

  /** A paragraph of plain text. */
  text(text: string): this {
    return this.add(escapeMarkdown(text));
  }

  /** Markdown you wrote yourself; not escaped. */
  raw(markdown: string): this {
    return this.add(markdown);
  }

  link(text: string, href: string): this {
    return this.add(link(text, href));
  }

  table(header: readonly string[], rows: readonly (readonly Cell[])[]): this {
    const width = Math.max(header.length, ...rows.map((r) => r.length));
    const pad = (cells: readonly Cell[]) => [...cells, ...Array<Cell>(width - cells.length).fill('')];
    const lines = [row(pad(header)), `|${' --- |'.repeat(width)}`, ...rows.map((r) => row(pad(r)))];
    return this.add(lines.join('\n'));
  }

  /** A two-column table of names and values. */
  keyValues(
    entries: Iterable<readonly [string, Cell]> | Readonly<Record<string, Cell>>,
    header: readonly [string, string] = ['Name', 'Value'],
  ): this {
    const pairs = Symbol.iterator in entries ? [...entries] : Object.entries(entries);
    return this.table(header, pairs);
  }

  list(items: readonly string[], ordered = false): this {
    if (items.length === 0) return this;
    return this.add(items.map((item, i) => `${ordered ? `${i + 1}.` : '-'} ${escapeMarkdown(item)}`).join('\n'));
  }

  /** A fenced code block; the fence is longer than any backtick run inside, so the code cannot end it. */
  code(code: string, language = ''): this {
    const longest = Math.max(0, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = '`'.repeat(Math.max(3, longest + 1));
    const lang = language.replace(/[^\w+#.-]/g, '');
    return this.add(`${fence}${lang}\n${code.replace(/\n$/, '')}\n${fence}`);
  }

  /** A collapsible section; `content` is plain text, or a function that builds nested summary content. */
  details(label: string, content: string | ((section: JobSummary) => void), open = false): this {
    let body: string;
    if (typeof content === 'string') {
      body = escapeMarkdown(content);
    } else {
      const section = new JobSummary(this.sink);
      content(section);
      body = section.markdown.trimEnd();
    }
    return this.add(`<details${open ? ' open' : ''}><summary>${escapeHtml(label)}</summary>\n\n${body}\n\n</details>`);
  }

  /** The markdown built so far. */
  get markdown(): string {
    return this.blocks.length === 0 ? '' : `${this.blocks.join('\n\n')}\n`;
  }

  async write(): Promise<void> {
    const markdown = this.markdown;
    this.blocks.length = 0;
    if (markdown !== '') await this.sink.append(markdown);
  }

  private add(block: string): this {
    this.blocks.push(block);
    return this;
  }
}

/** A new summary builder writing to `sink` (the step summary by default). */
export function jobSummary(sink?: SummarySink): JobSummary {
  return new JobSummary(sink);
}
