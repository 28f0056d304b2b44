import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where a command was found in a document. */
export interface DocPlace {
  /** Path of the document, relative to the repository root. */
  readonly doc: string;
  /** 1-based line of the command (its first line when continued with `\`). */
  readonly line: number;
}

/** A command a reader is told to type: a line of a shell code block, or an inline `npx …` / `npm …` span. */
export interface DocCommand extends DocPlace {
  /** The command as written: one of several joined by `&&`, its trailing `# comment` removed. */
  readonly text: string;
  readonly where: 'code block' | 'inline';
}

/** An inline `bench …` span: a command named in prose or shown as a synopsis in the commands table. */
export interface BenchReference extends DocPlace {
  readonly text: string;
  /** True for a row of a Markdown table (the commands table's synopses). */
  readonly inTable: boolean;
}

const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell', 'console']);

/**
 * The commands and `bench` references of a Markdown document. Shell code blocks (```sh, bash, shell, console) give a
 * command per line; other code blocks are output or data and give none. Inline code spans give a command when they
 * start with `npx ` or `npm ` and a reference when they start with `bench `. A table's `\|` is read as `|`.
 */
export function parseDocCommands(doc: string, markdown: string): { commands: DocCommand[]; references: BenchReference[] } {
  const commands: DocCommand[] = [];
  const references: BenchReference[] = [];
  const lines = markdown.split('\n');
  let fence: { shell: boolean } | undefined;
  let pending: { line: number; text: string } | undefined;
  const addBlockLine = (lineNo: number, raw: string) => {
    const start = pending?.line ?? lineNo;
    const joined = (pending ? `${pending.text} ` : '') + raw.trim();
    pending = undefined;
    if (joined.endsWith('\\')) {
      pending = { line: start, text: joined.slice(0, -1).trim() };
      return;
    }
    const text = stripComment(joined);
    for (const part of text.split('&&')) {
      const command = part.trim();
      if (command !== '') commands.push({ doc, line: start, text: command, where: 'code block' });
    }
  };
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const opening = /^\s*```\s*([\w-]*)/.exec(raw);
    if (opening) {
      fence = fence ? undefined : { shell: SHELL_LANGUAGES.has(opening[1]!.toLowerCase()) };
      pending = undefined;
      return;
    }
    if (fence) {
      if (fence.shell) addBlockLine(lineNo, raw);
      return;
    }
    const inTable = /^\s*\|/.test(raw);
    for (const match of raw.replaceAll('\\|', '\u0000').matchAll(/`([^`]+)`/g)) {
      const text = match[1]!.replaceAll('\u0000', '|').trim();
      if (/^(npx|npm) /.test(text)) commands.push({ doc, line: lineNo, text, where: 'inline' });
      else if (/^bench( |$)/.test(text)) references.push({ doc, line: lineNo, text, inTable });
    }
  });
  return { commands, references };
}

/** A `#` that starts a shell comment (at the start or after a blank) ends the command. */
function stripComment(line: string): string {
  const at = line.search(/(^|\s)#/);
  return (at < 0 ? line : line.slice(0, at)).trim();
}

/** `parseDocCommands` over several documents, read from `root`, in the order given. */
export function readDocCommands(root: string, docs: readonly string[]): { commands: DocCommand[]; references: BenchReference[] } {
  const commands: DocCommand[] = [];
  const references: BenchReference[] = [];
  for (const doc of docs) {
    const parsed = parseDocCommands(doc, readFileSync(join(root, doc), 'utf8'));
    commands.push(...parsed.commands);
    references.push(...parsed.references);
  }
  return { commands, references };
}

/**
 * True when a command has to be filled in before it can run: an ellipsis, brackets or alternatives of a synopsis,
 * `<…>`, or an upper-case word standing for a value (`DIR`, `FILE`, `W,…`).
 */
export function hasPlaceholder(command: string): boolean {
  return /…|\.\.\.|[[\]<>|]/.test(command) || command.split(/\s+/).some((word) => /^[A-Z][A-Z0-9_]*(,|$)/.test(word));
}

/** True when a command needs a shell to mean what it says (quotes, variables, redirections, pipes, globs). */
export function needsShell(command: string): boolean {
  return /[;$`'"()*?<>|&\\]/.test(command);
}

/** The option names (`--out`, `-v`) a command or synopsis uses. */
export function optionNames(command: string): string[] {
  const names = new Set<string>();
  for (const word of command.split(/[\s[\]|]+/)) {
    const match = /^(--?[A-Za-z][\w-]*)/.exec(word);
    if (match) names.add(match[1]!);
  }
  return [...names];
}
