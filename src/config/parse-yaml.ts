import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type { ConfigProblem, SourceLocation } from './types';

/** Anything a YAML document can hold at a position: nodes, pairs' keys, or nothing at all. */
type AnyNode = unknown;

/** A parsed YAML file that can turn any node back into the file:line:col a user should edit. */
export class YamlSource {
  constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  locate(offset: number): SourceLocation {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  /** Start of `node`, or of `fallback` when `node` has no position (e.g. it was never written). */
  at(node: AnyNode, fallback?: AnyNode): SourceLocation {
    const start = rangeOf(node)?.[0] ?? rangeOf(fallback)?.[0] ?? 0;
    return this.locate(start);
  }

  problem(node: AnyNode, message: string, ruleId?: string, fallback?: AnyNode): ConfigProblem {
    return { ...this.at(node, fallback), ...(ruleId === undefined ? {} : { ruleId }), message };
  }

  /** Aliases stand in for the node they name; validation should see that node. */
  resolve(node: AnyNode): AnyNode {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  /** Offsets of YAML syntax errors, so rules they fall inside can be distrusted. */
  errorOffsets(): number[] {
    return this.doc.errors.map((e) => e.pos[0]);
  }

  /** YAML errors and warnings as problems; `ruleAt` names the rule an offset falls inside, if any. */
  syntaxProblems(ruleAt: (offset: number) => string | undefined = () => undefined): ConfigProblem[] {
    return [...this.doc.errors, ...this.doc.warnings].map((e) => {
      const ruleId = ruleAt(e.pos[0]);
      // prettyErrors is off, so messages are one line; keep it that way for `file:line:col` output.
      const message = `invalid YAML: ${e.message.replace(/\s*\n\s*/g, ' ')}`;
      return { ...this.locate(e.pos[0]), ...(ruleId === undefined ? {} : { ruleId }), message };
    });
  }
}

export function rangeOf(node: AnyNode): readonly [number, number, number] | undefined {
  const range = (node as { range?: [number, number, number] | null } | null | undefined)?.range;
  return range ?? undefined;
}

/**
 * Reads and parses one file. yaml recovers from syntax errors, so a document comes back even then;
 * callers report `source.syntaxProblems()` themselves to attribute them to rules.
 */
export async function parseYamlFile(file: string): Promise<{ source: YamlSource } | { problem: ConfigProblem }> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    return { problem: { file, line: 1, col: 1, message: `cannot read file: ${(e as Error).message}` } };
  }
  const lines = new LineCounter();
  // prettyErrors would add multi-line source excerpts to messages.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  return { source: new YamlSource(file, doc, lines) };
}

/** How a value reads in a message: `got number 500`, `got a list`, `got nothing`. */
export function describe(node: AnyNode): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || v === undefined || v === '') return 'nothing';
    if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
    return `${typeof v} ${String(v)}`;
  }
  return node === null || node === undefined ? 'nothing' : 'an unsupported value';
}

/** YAML reads `500` or `true` as non-strings; telling users to quote is the fix they need. */
export function quoteHint(node: AnyNode): string {
  return isScalar(node) && node.value !== null && typeof node.value !== 'string' ? ' (quote it to make it a string)' : '';
}

export function stringValue(node: AnyNode): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

/** Config paths are shown relative to where the user runs the command, like compilers do. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  return path.relative(cwd, path.resolve(cwd, file)) || file;
}
