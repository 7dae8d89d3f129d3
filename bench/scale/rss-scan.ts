/**
 * Streams N generated events (1,000 groups, pages of 1,000) through scan() and prints the peak RSS as JSON.
 * Run in a fresh process: node --import tsx bench/scale/rss-scan.ts 1000000
 */
import { DEFAULT_SETTINGS } from '../../src/config/types';
import { scan } from '../../src/scan';
import type { LogEvent, LogSource } from '../../src/sources';
import { benchRules, errorLine, quietLine, rand, resetRand } from './rules';

const total = Number(process.argv[2] ?? 1_000_000);
const GROUPS = 1000;
const PAGE = 1000;
const START = Date.UTC(2026, 0, 1, 12, 0, 0);

class GeneratedSource implements LogSource {
  async resolveLogGroups(): Promise<string[]> {
    return Array.from({ length: GROUPS }, (_, g) => `/aws/lambda/fn-${String(g).padStart(4, '0')}`);
  }
  async *readEvents(logGroup: string): AsyncIterable<LogEvent[]> {
    const perGroup = Math.floor(total / GROUPS);
    for (let i = 0; i < perGroup; i += PAGE) {
      const page: LogEvent[] = [];
      for (let j = i; j < Math.min(i + PAGE, perGroup); j++) {
        const ts = START + j * 250;
        page.push({ logGroup, logStream: 's', timestamp: ts, message: rand() < 0.001 ? errorLine(ts) : quietLine(ts), eventId: `${logGroup}:${j}` });
      }
      yield page;
    }
  }
}

async function main() {
  resetRand(99);
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const t = performance.now();
  const result = await scan({ settings: DEFAULT_SETTINGS, rules: benchRules(10), problems: [] }, new GeneratedSource(), { startMs: START, endMs: START + 86_400_000 });
  clearInterval(sampler);
  const maxRssKb = process.resourceUsage().maxRSS;
  peak = Math.max(peak, maxRssKb * 1024);
  console.log(
    JSON.stringify({ events: result.events, hits: result.hits, alerts: result.alerts.length, seconds: (performance.now() - t) / 1000, baselineRssMb: baseline / 2 ** 20, peakRssMb: peak / 2 ** 20 }),
  );
}

void main();
