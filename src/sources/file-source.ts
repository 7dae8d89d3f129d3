import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { createInterface } from 'node:readline';
import { logGroupMatcher } from '../config';
import type { LogEvent, LogSource } from './types';

const PAGE_SIZE = 1000;
// Lambda and most runtimes start a line with an ISO-8601 time; when present it is the event's time.
const LEADING_ISO_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))/;

/**
 * Local log files standing in for log groups (dry runs, test-rule): one event per line, and the file's
 * name, URL-decoded and without extension, is the log group (`%2Faws%2Flambda%2Forders.log` is
 * `/aws/lambda/orders`). Time windows are ignored: a file is a sample to scan whole.
 */
export class FileSource implements LogSource {
  private readonly files = new Map<string, string>();

  constructor(paths: string[]) {
    for (const path of paths) this.files.set(logGroupForFile(path), path);
  }

  async resolveLogGroups(patterns: string[]): Promise<string[]> {
    const matchers = patterns.map(logGroupMatcher);
    return [...this.files.keys()].filter((g) => matchers.some((m) => m(g))).sort();
  }

  async *readEvents(logGroup: string): AsyncIterable<LogEvent[]> {
    const path = this.files.get(logGroup);
    if (!path) return;
    const fallbackTime = (await stat(path)).mtimeMs;
    const stream = basename(path);
    const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
    let page: LogEvent[] = [];
    let lineNo = 0;
    for await (const line of lines) {
      lineNo += 1;
      if (line.trim() === '') continue;
      const iso = LEADING_ISO_TIME.exec(line)?.[1];
      const parsed = iso ? Date.parse(iso) : NaN;
      page.push({
        logGroup,
        logStream: stream,
        timestamp: Number.isNaN(parsed) ? Math.floor(fallbackTime) : parsed,
        message: line,
        eventId: `${stream}:${lineNo}`,
      });
      if (page.length >= PAGE_SIZE) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }
}

export function logGroupForFile(path: string): string {
  const name = basename(path, extname(path));
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
