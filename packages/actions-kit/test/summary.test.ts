import { describe, expect, it } from '@jest/globals';
import { escapeMarkdown, JobSummary } from '../src/index.js';
import { fakeSummary } from '../src/testing.js';

const build = () => {
  const sink = fakeSummary();
  return { sink, summary: new JobSummary(sink) };
};

describe('escapeMarkdown', () => {
  it.each([
    ['plain text', 'plain text'],
    ['a | b', 'a \\| b'],
    ['*bold* _em_ `code` ~x~', '\\*bold\\* \\_em\\_ \\`code\\` \\~x\\~'],
    ['[link](http://x)', '\\[link\\](http://x)'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['a & b "q"', 'a &amp; b &quot;q&quot;'],
    ['back\\slash', 'back\\\\slash'],
    ['line one\nline two', 'line one<br>line two'],
    ['# not a heading', '\\# not a heading'],
    ['- not a list', '\\- not a list'],
    ['1. not a list', '1\\. not a list'],
    ['> not a quote', '&gt; not a quote'],
  ])('escapes %j', (text, escaped) => {
    expect(escapeMarkdown(text)).toBe(escaped);
  });
});

describe('JobSummary', () => {
  it('builds headings, text, lists and links', () => {
    const { summary } = build();
    summary
      .heading('Training *done*')
      .heading('Deep', 9)
      .text('Model registered')
      .list(['one', 'two|three'])
      .list(['first', 'second'], true)
      .list([])
      .link('Open in studio', 'https://ml.azure.com/runs/abc (1)');
    expect(summary.markdown).toBe(
      [
        '## Training \\*done\\*',
        '###### Deep',
        'Model registered',
        '- one\n- two\\|three',
        '1. first\n2. second',
        '[Open in studio](https://ml.azure.com/runs/abc%20%281%29)',
      ].join('\n\n') + '\n',
    );
  });

  it('refuses non-http links, showing only the text', () => {
    expect(build().summary.link('click', 'javascript:alert(1)').markdown).toBe('click\n');
  });

  it('builds a table whose cells cannot break it', () => {
    const { summary } = build();
    summary.table(
      ['Metric', 'Value'],
      [
        ['accuracy', 0.98],
        ['note', 'a | b\nc <b>d</b>'],
        ['ok', true],
        ['missing', undefined],
        ['id', { code: '/subscriptions/x|y' }],
        ['studio', { text: 'run', href: 'https://ml.azure.com/x' }],
        ['short'],
      ],
    );
    expect(summary.markdown).toBe(
      [
        '| Metric | Value |',
        '| --- | --- |',
        '| accuracy | 0.98 |',
        '| note | a \\| b<br>c &lt;b&gt;d&lt;/b&gt; |',
        '| ok | true |',
        '| missing |  |',
        '| id | <code>/subscriptions/x\\|y</code> |',
        '| studio | [run](https://ml.azure.com/x) |',
        '| short |  |',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['a record', { 'job-name': 'abc', status: 'Completed' }],
    [
      'a map',
      new Map([
        ['job-name', 'abc'],
        ['status', 'Completed'],
      ]),
    ],
  ])('builds a key/value table from %s', (_case, entries) => {
    const { summary } = build();
    summary.keyValues(entries, ['Output', 'Value']);
    expect(summary.markdown).toBe('| Output | Value |\n| --- | --- |\n| job-name | abc |\n| status | Completed |\n');
  });

  it('builds code blocks whose fence the code cannot close', () => {
    const { summary } = build();
    summary.code('print("hi")\n', 'python').code('a ``` b', 'x; rm');
    expect(summary.markdown).toBe('```python\nprint("hi")\n```\n\n````xrm\na ``` b\n````\n');
  });

  it('builds collapsible details from text or nested content', () => {
    const { summary } = build();
    summary
      .details('Logs <stdout>', 'line *1*')
      .details('Metrics', (section) => section.table(['name', 'value'], [['loss', 0.1]]), true);
    expect(summary.markdown).toBe(
      [
        '<details><summary>Logs &lt;stdout&gt;</summary>\n\nline \\*1\\*\n\n</details>',
        '<details open><summary>Metrics</summary>\n\n| name | value |\n| --- | --- |\n| loss | 0.1 |\n\n</details>',
      ].join('\n\n') + '\n',
    );
  });

  it('passes raw markdown through', () => {
    expect(build().summary.raw('**mine**').markdown).toBe('**mine**\n');
  });

  it('writes what was built to the sink and starts over', async () => {
    const { sink, summary } = build();
    await summary.heading('One').write();
    await summary.write();
    await summary.text('two').write();
    expect(sink.markdown).toBe('## One\ntwo\n');
    expect(summary.markdown).toBe('');
  });
});
