import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
  type Document as YamlDocument,
} from 'yaml';

/** Where something is in a source: 1-based line and column, as editors and annotations count. */
export interface SourceLocation {
  /** Display name of the source: a workspace-relative file path, or `input "name"` for inline text. */
  readonly file: string;
  /** True when `file` is a real file, so an annotation can point at it. */
  readonly isFile: boolean;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

/** A path into a parsed document: map keys and sequence indexes, e.g. `['deployments', 0, 'name']`. */
export type DocumentPath = readonly (string | number)[];

/** An error that points at a place in a YAML/JSON source; formats as `file:line:column: message`. */
export class SourceError extends Error {
  override readonly name = 'SourceError';
  readonly file: string;
  readonly isFile: boolean;
  readonly line: number;
  readonly column: number;
  readonly endLine: number | undefined;
  readonly endColumn: number | undefined;
  /** The message without its `file:line:column:` prefix (what an annotation shows). */
  readonly detail: string;
  readonly hint: string | undefined;

  constructor(location: SourceLocation, detail: string, options: { hint?: string; cause?: unknown } = {}) {
    super(`${location.file}:${location.line}:${location.column}: ${detail}`, { cause: options.cause });
    this.file = location.file;
    this.isFile = location.isFile;
    this.line = location.line;
    this.column = location.column;
    this.endLine = location.endLine;
    this.endColumn = location.endColumn;
    this.detail = detail;
    this.hint = options.hint;
  }
}

/** A parsed YAML or JSON document that still knows where each value came from. */
export interface PositionedDocument {
  /** `job.yml` (workspace-relative) or `input "job"`. */
  readonly source: string;
  /** True when the document was read from a file. */
  readonly isFile: boolean;
  /** Directory that relative paths inside the document resolve against (the file's folder, or the workspace). */
  readonly directory: string;
  /** The plain JavaScript value (YAML 1.2 core schema). */
  readonly value: unknown;
  /** Location of the value at `path`, or undefined when the path does not exist. */
  locate(path: DocumentPath): SourceLocation | undefined;
  /** A SourceError at `path`, or at its nearest existing parent when the path does not exist. */
  errorAt(path: DocumentPath, message: string, options?: { hint?: string }): SourceError;
}

export interface ParseOptions {
  /** Display name; defaults to `<inline>`. */
  readonly source?: string;
  /** Whether `source` names a real file (annotations point at it). */
  readonly isFile?: boolean;
  /** Directory for relative paths inside the document; defaults to the current directory. */
  readonly directory?: string;
}

/**
 * Parses YAML (and therefore JSON) keeping positions. A syntax error, a duplicate key or more than one
 * document throws a SourceError at the first problem.
 */
export function parseYaml(text: string, options: ParseOptions = {}): PositionedDocument {
  const source = options.source ?? '<inline>';
  const isFile = options.isFile ?? false;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, keepSourceTokens: false });
  const at = (start: number, end?: number): SourceLocation => locationOf(source, isFile, lineCounter, start, end);

  const [first, ...rest] = doc.errors;
  if (first) {
    const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})` : '';
    const problem = describeYamlError(first.code, first.message, text.slice(first.pos[0], first.pos[1]));
    throw new SourceError(at(first.pos[0]), `${problem}${more}`);
  }
  visit(doc, {
    Alias(_key, alias) {
      if (alias.resolve(doc) === undefined && alias.range) {
        throw new SourceError(at(alias.range[0]), `alias *${alias.source} has no anchor &${alias.source} before it`);
      }
    },
  });

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    throw new SourceError(at(0), error instanceof Error ? error.message : String(error));
  }

  const locate = (path: DocumentPath): SourceLocation | undefined => {
    const node = nodeAt(doc, path);
    return node?.range ? at(node.range[0], node.range[1]) : undefined;
  };

  return {
    source,
    isFile,
    directory: options.directory ?? process.cwd(),
    value,
    locate,
    errorAt(path, message, errorOptions = {}) {
      for (let depth = path.length; depth >= 0; depth--) {
        const location = locate(path.slice(0, depth));
        if (location) return new SourceError(location, message, errorOptions);
      }
      return new SourceError({ file: source, isFile, line: 1, column: 1 }, message, errorOptions);
    },
  };
}

function locationOf(
  file: string,
  isFile: boolean,
  lineCounter: LineCounter,
  start: number,
  end?: number,
): SourceLocation {
  const from = linePos(lineCounter, start);
  if (end === undefined || end <= start) return { file, isFile, line: from.line, column: from.col };
  const to = linePos(lineCounter, end);
  return { file, isFile, line: from.line, column: from.col, endLine: to.line, endColumn: to.col };
}

function linePos(lineCounter: LineCounter, offset: number): { line: number; col: number } {
  const pos = lineCounter.linePos(offset);
  // line 0 means no newline was seen before the offset: it is on the first line.
  return pos.line === 0 ? { line: 1, col: offset + 1 } : pos;
}

/** Walks map keys and sequence indexes; aliases are followed on the way down. */
function nodeAt(doc: YamlDocument.Parsed, path: DocumentPath): Node | undefined {
  let node: unknown = doc.contents;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment));
      if (!pair) return undefined;
      // `key:` with no value has no (or an empty) value node; the key is the best place to point at.
      node = isEmptyNode(pair.value) ? pair.key : pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
    } else {
      return undefined;
    }
  }
  return isNodeWithRange(node) ? node : undefined;
}

function isEmptyNode(node: unknown): boolean {
  return !isNodeWithRange(node) || (isScalar(node) && node.range != null && node.range[0] === node.range[1]);
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
}

function isNodeWithRange(node: unknown): node is Node {
  return typeof node === 'object' && node !== null && 'range' in node && Array.isArray(node.range);
}

function describeYamlError(code: string, message: string, at: string): string {
  const text = message.replace(/\s+/g, ' ').trim();
  switch (code) {
    case 'DUPLICATE_KEY': {
      const key = at.trim();
      return key !== '' && key.length <= 60 && !key.includes('\n')
        ? `duplicate key ${JSON.stringify(key)}; each key may appear once in a mapping`
        : 'duplicate key; each key may appear once in a mapping';
    }
    case 'MULTIPLE_DOCS':
      return 'the source has more than one YAML document (---); put one document per file';
    case 'TAB_AS_INDENT':
      return `${text}; indent YAML with spaces`;
    default:
      return `YAML syntax error: ${text}`;
  }
}

/** GitHub annotation properties, the same shape `@actions/core` takes. */
export interface Annotation {
  readonly title?: string;
  readonly file?: string;
  readonly startLine?: number;
  readonly endLine?: number;
  readonly startColumn?: number;
  readonly endColumn?: number;
}

/** Anything that can show an error annotation: a Logger, or `@actions/core` itself. */
export interface AnnotationSink {
  error(message: string, annotation?: Annotation): void;
}

/**
 * Shows a SourceError as an error annotation at its file, line and column. Inline sources have no file to
 * point at, so they get a plain annotation whose message carries the position.
 */
export function reportAnnotation(error: SourceError, annotations: AnnotationSink, title?: string): void {
  if (!error.isFile) {
    annotations.error(error.message, title === undefined ? undefined : { title });
    return;
  }
  const sameLine = error.endLine === error.line && error.endColumn !== undefined;
  annotations.error(error.detail, {
    ...(title === undefined ? {} : { title }),
    file: error.file,
    startLine: error.line,
    startColumn: error.column,
    // A value spanning lines is shown at its start; columns only mean something on one line.
    ...(sameLine ? { endLine: error.line, endColumn: error.endColumn } : {}),
  });
}
