/**
 * `npm run bench:noise`: a simulated day of noisy logs scanned every 5 minutes, counted three ways —
 * naive (one message per hit), per-run grouping (one alert per rule and fingerprint per run, no memory),
 * and the real stateful pipeline (fingerprints + realert across runs + incidents) — plus which distinct
 * incidents reached Slack at least once in each. Writes bench/results/noise.json and prints a table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSlackMessages, type SlackPayload } from '../../src/alerts';
import { loadConfig } from '../../src/config';
import { runJob } from '../../src/job';
import { scan, scheduledWindow } from '../../src/scan';
import type { LogEvent, LogSource } from '../../src/sources';
import { logGroupMatcher } from '../../src/config';
import { MemoryStateStore } from '../../src/state';
import { INCIDENTS, simulatedDay, type SimEvent } from './simulated-day';

const MIN = 60_000;
const DAY_START = Date.parse('2026-11-23T00:00:00Z');

/** A text each incident's own lines carry, to tell from a posted payload which incidents it reports. */
const MARKERS: Record<(typeof INCIDENTS)[number], string> = {
  'orders-burst': 'ConditionalCheckFailedException',
  'payments-flap': 'port 5432',
  'checkout-outage': 'Payment provider returned 503',
  'reports-drip': 'Report generation failed',
  'resizer-oom': 'signal: killed',
  'sync-timeout': 'Task timed out after 30.03',
};

class SimulatedSource implements LogSource {
  private readonly byGroup = new Map<string, SimEvent[]>();
  constructor(events: SimEvent[]) {
    for (const e of events) this.byGroup.set(e.logGroup, [...(this.byGroup.get(e.logGroup) ?? []), e]);
  }
  async resolveLogGroups(patterns: string[]): Promise<string[]> {
    const matchers = patterns.map(logGroupMatcher);
    return [...this.byGroup.keys()].filter((g) => matchers.some((m) => m(g))).sort();
  }
  async *readEvents(group: string, start: number, end: number): AsyncIterable<LogEvent[]> {
    const page = (this.byGroup.get(group) ?? [])
      .filter((e) => e.timestamp >= start && e.timestamp < end)
      .map((e, i) => ({ logGroup: e.logGroup, logStream: e.logStream, timestamp: e.timestamp, message: e.message, eventId: `${e.timestamp}-${e.logStream}-${i}-${e.message.length}` }));
    if (page.length) yield page;
  }
}

interface ModeResult {
  mode: string;
  alerts: number;
  messages: number;
  incidentsReached: string[];
}

function reached(payloads: SlackPayload[]): string[] {
  const text = payloads.map((p) => JSON.stringify(p)).join('\n');
  return INCIDENTS.filter((i) => text.includes(MARKERS[i]));
}

async function main(): Promise<void> {
  const config = await loadConfig(join(__dirname, '../../config'));
  const events = simulatedDay(DAY_START);
  const source = new SimulatedSource(events);
  const intervalMs = config.settings.scanIntervalMinutes * MIN;
  const ticks = Array.from({ length: (24 * 60 * MIN) / intervalMs }, (_, i) => DAY_START + (i + 1) * intervalMs + config.settings.ingestionLagMinutes * MIN);

  let hits = 0;
  const perRun: ModeResult = { mode: 'per-run grouping (no state)', alerts: 0, messages: 0, incidentsReached: [] };
  const perRunPayloads: SlackPayload[] = [];
  for (const now of ticks) {
    // Grouping within the run only: no memory across runs, no incident correlation.
    const result = await scan(config, source, scheduledWindow(now, config.settings));
    const payloads = buildSlackMessages(result.alerts, { region: 'us-east-1', ...config.settings });
    hits += result.hits;
    perRun.alerts += result.alerts.length;
    perRun.messages += payloads.length;
    perRunPayloads.push(...payloads);
  }
  perRun.incidentsReached = reached(perRunPayloads);

  const state = new MemoryStateStore();
  const posted: SlackPayload[] = [];
  const full: ModeResult = { mode: 'fingerprints + realert + incidents (stateful)', alerts: 0, messages: 0, incidentsReached: [] };
  for (const now of ticks) {
    const { summary } = await runJob({
      configDir: '', config, source, region: 'us-east-1', now, state,
      post: async (payload) => {
        posted.push(payload);
        return { delivered: true };
      },
    });
    full.alerts += summary.alerts;
  }
  full.messages = posted.length;
  full.incidentsReached = reached(posted);

  const naive: ModeResult = { mode: 'naive (one message per hit)', alerts: hits, messages: hits, incidentsReached: [...INCIDENTS] };
  const reduction = 1 - full.messages / Math.max(perRun.messages, 1);
  const result = {
    day: new Date(DAY_START).toISOString().slice(0, 10),
    events: events.length,
    ticks: ticks.length,
    distinctIncidents: INCIDENTS.length,
    realertMinutes: config.settings.realertMinutes,
    modes: [naive, perRun, full],
    reductionVsPerRun: Number(reduction.toFixed(3)),
    everyIncidentPosted: full.incidentsReached.length === INCIDENTS.length,
  };
  mkdirSync(join(__dirname, '../results'), { recursive: true });
  writeFileSync(join(__dirname, '../results/noise.json'), `${JSON.stringify(result, null, 2)}\n`);

  console.log(`Simulated day: ${result.events} events, ${result.ticks} scheduled runs, ${INCIDENTS.length} distinct incidents, realert ${result.realertMinutes} min\n`);
  console.log('| mode | alerts | Slack messages | incidents that reached Slack |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const m of result.modes) console.log(`| ${m.mode} | ${m.alerts} | ${m.messages} | ${m.incidentsReached.length} of ${INCIDENTS.length} |`);
  console.log(`\nMessages vs per-run grouping: ${(reduction * 100).toFixed(1)} % fewer; every incident posted: ${result.everyIncidentPosted ? 'yes' : `no (missing ${INCIDENTS.filter((i) => !full.incidentsReached.includes(i as never)).join(', ')})`}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
