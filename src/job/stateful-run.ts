// A run with cross-run state: lease, pending posts, reads from cursors, decisions per fingerprint, resolve, cursors.
import { buildResolvedMessage, type SlackPayload } from '../alerts';
import { formatProblem } from '../config';
import { type Config, type Rule } from '../config/types';
import { fingerprint, HitGrouper, type Alert } from '../dedup';
import { channelFor } from '../config/channels';
import { rulesByLogGroup, scanPlanned, scheduledWindow, type GroupRead, type ScanResult } from '../scan';
import { advanceCursor, decideHits, decideResolve, fingerprintKey, planRead, refKey, type CoverageSettings, type Cursor, type FingerprintRef, type FingerprintState, type Hold, type ReadPlan, type StateStore } from '../state';
import { type JobOptions, type JobResult, type RunSummary } from './types';
import { CURSOR_TTL_MS, DECIDE_ATTEMPTS, FAILING_REPORT_AFTER_MS, MINUTE, PENDING_PER_RUN, Run, STATE_CONCURRENCY, defaultOverlapMs, describeError, isoOrOpen, mapLimit } from './run';
import { type ScannerCondition, reportHealth } from './health';
import { planRoutedMessages } from './routing';


export async function runWithState(config: Config, opts: JobOptions, state: StateStore): Promise<JobResult> {
  // Claims and cursors record what was handed to Slack; without a sender there is nothing to record.
  if (!opts.post) throw new Error('runJob: `state` needs `post` (a run with state posts, or queues, every alert it claims)');
  const run = new Run(config, opts, state);
  const settings = config.settings;
  const end = opts.window?.endMs ?? scheduledWindow(opts.now, settings).endMs;
  const coverage: CoverageSettings = { lookbackMs: settings.lookbackMinutes * MINUTE, overlapMs: opts.overlapMs ?? defaultOverlapMs(settings) };
  const emptyScan: ScanResult = { window: { startMs: end, endMs: end }, alerts: [], logGroups: 0, events: 0, hits: 0, failures: [], durationMs: 0 };

  const leaseName = opts.leaseName ?? 'run';
  const lease = await state.acquireLease(leaseName, run.runId, run.clock(), run.leaseUntil);
  if (!lease.acquired) {
    const summary = baseSummary(config, emptyScan, run);
    summary.lease = 'held-elsewhere';
    return { config, scan: emptyScan, payloads: [], summary };
  }
  try {
    // 1. What earlier runs could not deliver goes first, with at most a third of the scan budget.
    await deliverPending(run, run.started + (run.scanStopAt - run.started) / 3);

    // 2. Which groups, from where.
    let targets = new Map<string, Rule[]>();
    try {
      targets = await rulesByLogGroup(config.rules, opts.source);
      const keep = opts.logGroupFilter;
      if (keep) for (const g of [...targets.keys()]) if (!keep(g)) targets.delete(g);
    } catch (err) {
      run.tally.failures.push({ logGroup: '(listing log groups)', error: describeError(err) });
    }
    const groups = [...targets.keys()];
    let cursors: Map<string, Cursor>;
    try {
      cursors = await state.getCursors(groups);
    } catch (err) {
      // Without cursors nothing can be read safely; the next run starts where the last good one stopped.
      run.stateError('reading cursors', err);
      return finish(run, emptyScan, [], new Map(), end, coverage);
    }
    const plans: ReadPlan[] = groups.map((g) => planRead(g, cursors.get(g), end, coverage));

    // 3. Read and match.
    const scanStarted = run.clock();
    const reads = await scanPlanned(plans, targets, opts.source, {
      clock: run.clock,
      stopAt: run.scanStopAt,
      budget: run.budget,
      ...(opts.groupVariables ? { groupVariables: opts.groupVariables } : {}),
    });
    const { result: scanResult, identities } = summariseReads(reads, end, run.clock() - scanStarted);
    for (const r of reads) if (r.error) run.tally.failures.push({ logGroup: r.plan.logGroup, error: r.error });
    for (const r of reads) if (r.variablesError) run.tally.variableFailures.push({ logGroup: r.plan.logGroup, error: r.variablesError });

    // 4. Across runs: suppress, threshold, claim; then post or queue.
    const heldBack = await alertAcrossRuns(run, reads, scanResult.alerts, identities);

    // 5. Cursors, computed now so resolve can check coverage; written last.
    const advances = new Map<string, ReturnType<typeof advanceCursor>>();
    for (const r of reads) {
      if (r.status === 'idle' || r.status === 'not-started') continue;
      // A group never read successfully keeps no cursor: its first good read starts from the lookback.
      if (!r.plan.cursor && r.readUntil === undefined && r.newSeen.length === 0) continue;
      if (heldBack.has(r.plan.logGroup)) continue;
      advances.set(r.plan.logGroup, advanceCursor(r.plan, { readUntil: r.readUntil, newSeen: r.newSeen, ...(r.error ? { error: r.error } : {}) }, run.now, coverage));
    }
    const scannedUntil = (g: string): number | undefined =>
      targets.has(g) ? (advances.get(g)?.cursor.scannedUntil ?? cursors.get(g)?.scannedUntil ?? Number.NEGATIVE_INFINITY) : undefined;
    await resolveQuiet(run, new Set([...identities.values()].map((i) => refKey(i.ref))), scannedUntil);

    return finish(run, scanResult, reads, advances, end, coverage, cursors);
  } finally {
    await state.releaseLease(leaseName, run.runId).catch((err: unknown) => run.stateError('releasing the run lease', err));
  }
}

/** Sends pending payloads oldest first; each is claimed so two runs never send the same one. */
async function deliverPending(run: Run, stopAt: number): Promise<void> {
  let list;
  try {
    list = await run.state.listPending(PENDING_PER_RUN);
  } catch (err) {
    run.stateError('listing pending Slack messages', err);
    return;
  }
  for (const p of list) {
    if (run.clock() >= stopAt) break;
    if (run.slackDown.has(p.channel ?? '')) continue;
    try {
      if (!(await run.state.claimPending(p.id, run.runId, run.clock(), run.leaseUntil))) continue;
      const owner = `pending:${p.id}`;
      // A "resolved" note whose fingerprint fired again before it went out is withdrawn.
      if (p.holds.length > 0 && p.holds.every((h) => h.kind === 'resolve')) {
        const states = await run.state.getFingerprints(p.holds);
        if (p.holds.some((h) => states.get(refKey(h))?.claim?.owner !== owner)) {
          await run.state.removePending(p.id, run.runId);
          continue;
        }
      }
      const sent = await run.send(p.payload as SlackPayload, stopAt, p.channel);
      if (!sent.delivered) {
        await run.state.releasePending(p.id, run.runId, sent.error);
        continue;
      }
      // Settle first, then remove: a crash between the two re-sends rather than leaves claims stranded.
      await mapLimit(p.holds, STATE_CONCURRENCY, (h) =>
        run.state.settleClaim(h, owner, { kind: 'delivered', claim: h.kind, expiresAt: run.ttlFor(h.ruleId) }),
      );
      await run.state.removePending(p.id, run.runId);
      run.tally.pendingDelivered += 1;
    } catch (err) {
      run.stateError(`delivering pending ${p.id}`, err);
    }
  }
}

/**
 * Groups the new hits into alerts, decides each against its fingerprint's state with a versioned write
 * (which is also the claim on a post), and posts or queues what must go out. Returns the log groups whose
 * cursors must not advance because some of their hits were neither recorded nor handed to delivery.
 */
async function alertAcrossRuns(run: Run, reads: GroupRead[], alerts: Alert[], identities: Map<Alert, Identity>): Promise<Set<string>> {
  const heldBack = new Set<string>();
  if (alerts.length === 0) return heldBack;
  // By object, or by the sample (one hit belongs to one alert per rule) should a later stage copy alerts.
  const bySample = new Map([...identities].map(([a, id]) => [sampleKey(a), id]));
  const keyOf = (a: Alert): FingerprintRef => (identities.get(a) ?? bySample.get(sampleKey(a)))!.ref;
  // Thresholds count each hit's time across runs.
  const times = new Map<string, number[]>();
  for (const r of reads) {
    for (const hit of r.hits) {
      if (!hit.rule.threshold) continue;
      const k = refKey(identityOf(hit.rule.id, hit.groupKey, fingerprint(hit.event.message)).ref);
      const list = times.get(k) ?? [];
      list.push(hit.event.timestamp);
      times.set(k, list);
    }
  }

  const refs = alerts.map(keyOf);
  let states: Map<string, FingerprintState>;
  try {
    states = await run.state.getFingerprints(refs);
  } catch (err) {
    run.stateError('reading fingerprint state', err);
    for (const a of alerts) for (const g of a.logGroups) heldBack.add(g);
    return heldBack;
  }

  const toPost: Alert[] = [];
  await mapLimit(alerts, STATE_CONCURRENCY, async (alert) => {
    const ref = keyOf(alert);
    const k = refKey(ref);
    const policy = run.policy(alert.rule);
    let prev = states.get(k);
    for (let attempt = 0; attempt < DECIDE_ATTEMPTS; attempt++) {
      const decision = decideHits(
        prev,
        { ...ref, fingerprint: (identities.get(alert) ?? bySample.get(sampleKey(alert)))!.text },
        { count: alert.count, firstSeen: alert.firstSeen, lastSeen: alert.lastSeen, logGroups: alert.logGroups, ...(times.has(k) ? { times: times.get(k)! } : {}) },
        policy,
        run.decisionContext(),
      );
      let written = false;
      try {
        written = await run.state.putFingerprint(decision.next);
      } catch (err) {
        run.stateError(`recording ${alert.rule.id}`, err);
        break;
      }
      if (written) {
        if (decision.action === 'post') {
          const posted: Alert = { ...alert, ...decision.repeat };
          identities.set(posted, (identities.get(alert) ?? bySample.get(sampleKey(alert)))!);
          toPost.push(posted);
        } else if (decision.action === 'below-threshold') run.tally.belowThreshold += alert.count;
        else run.tally.suppressed += alert.count;
        return;
      }
      // Another run wrote it meanwhile: decide again on what it wrote.
      try {
        prev = (await run.state.getFingerprints([ref])).get(k);
      } catch (err) {
        run.stateError(`re-reading ${alert.rule.id}`, err);
        break;
      }
    }
    for (const g of alert.logGroups) heldBack.add(g);
  });

  if (toPost.length === 0) return heldBack;
  run.tally.alerts += toPost.length;
  for (const { channel, messages } of planRoutedMessages(run.config, toPost, run.opts.region)) {
    for (const message of messages) {
      const holds: Hold[] = message.alerts.map((a) => ({ ...keyOf(a), kind: 'alert' }));
      const handed = await run.postClaimed(message.payload, holds, channel);
      if (!handed) for (const a of message.alerts) for (const g of a.logGroups) heldBack.add(g);
    }
  }
  return heldBack;
}

/** Posts one "resolved" note per alerted fingerprint that has been quiet for its rule's resolveMs. */
async function resolveQuiet(run: Run, active: Set<string>, scannedUntil: (g: string) => number | undefined): Promise<void> {
  for (const rule of run.config.rules) {
    if (rule.resolveMs === undefined) continue;
    let open: FingerprintState[];
    try {
      open = await run.state.getOpenFingerprints(rule.id);
    } catch (err) {
      run.stateError(`reading open alerts of ${rule.id}`, err);
      continue;
    }
    for (const fp of open) {
      if (active.has(refKey(fp))) continue;
      const next = decideResolve(fp, run.policy(rule), run.decisionContext(), scannedUntil);
      if (!next) continue;
      try {
        if (!(await run.state.putFingerprint(next))) continue; // changed meanwhile: next run decides again
      } catch (err) {
        run.stateError(`resolving ${rule.id}`, err);
        continue;
      }
      const payload = buildResolvedMessage(
        {
          ruleId: rule.id,
          fingerprint: fp.fingerprint,
          severity: rule.severity,
          lastSeen: fp.lastSeen,
          alertedAt: fp.lastAlertedAt ?? fp.firstSeen,
          region: run.opts.region,
          logGroups: fp.logGroups,
          pattern: rule.pattern,
        },
        { now: run.now, linkContextMinutes: run.config.settings.linkContextMinutes },
      );
      const channel = run.config.channels ? channelFor(rule, run.config.channels) : undefined;
      if (await run.postClaimed(payload, [{ ruleId: rule.id, key: fp.key, kind: 'resolve' }], channel)) run.tally.resolved += 1;
    }
  }
}

async function finish(
  run: Run,
  scanResult: ScanResult,
  reads: GroupRead[],
  advances: Map<string, ReturnType<typeof advanceCursor>>,
  end: number,
  coverage: CoverageSettings,
  before: Map<string, Cursor> = new Map(),
): Promise<JobResult> {
  let cursorsAdvanced = 0;
  const written = new Map<string, Cursor>();
  await mapLimit([...advances.values()], STATE_CONCURRENCY, async (adv) => {
    try {
      if (await run.state.putCursor(adv.cursor, run.clock() + Math.max(CURSOR_TTL_MS, coverage.lookbackMs))) {
        written.set(adv.cursor.logGroup, adv.cursor);
        if (adv.advanced) cursorsAdvanced += 1;
        if (adv.skipped) {
          run.tally.skipped.push({ logGroup: adv.cursor.logGroup, from: isoOrOpen(adv.skipped.from), to: isoOrOpen(adv.skipped.to) });
        }
      } else {
        run.tally.stateErrors.push(`cursor of ${adv.cursor.logGroup} changed by another run; left as it is`);
      }
    } catch (err) {
      run.stateError(`saving the cursor of ${adv.cursor.logGroup}`, err);
    }
  });

  // Where every group stands now.
  let behind = 0;
  let backlogMs = 0;
  const failing: { logGroup: string; error: string }[] = [];
  for (const r of reads) {
    const g = r.plan.logGroup;
    const c = written.get(g) ?? before.get(g);
    const at = c?.scannedUntil ?? r.plan.from;
    if (at < end) {
      behind += 1;
      backlogMs = Math.max(backlogMs, end - at);
    }
    if (c?.failingSince !== undefined && run.now - c.failingSince >= FAILING_REPORT_AFTER_MS) {
      failing.push({ logGroup: g, error: `failing since ${isoOrOpen(c.failingSince)}: ${c.lastError ?? 'unknown error'}` });
    }
  }

  const disabled = run.budget.disabled();
  try {
    run.tally.pendingLeft = (await run.state.listPending(PENDING_PER_RUN + 1)).length;
  } catch (err) {
    run.stateError('counting pending Slack messages', err);
  }

  // The scanner's own health: every condition that means alerts may be late or missing, each reported to
  // the ops channel at most once per realert window while it lasts.
  const conditions: ScannerCondition[] = [
    ...run.tally.skipped.map((s) => ({ key: `skipped:${s.logGroup}:${s.from}`, failure: { logGroup: s.logGroup, error: `not scanned from ${s.from} to ${s.to}: more than lookbackMinutes behind` } })),
    ...failing.map((f) => ({ key: `failing:${f.logGroup}`, failure: f })),
    ...(backlogMs > 2 * run.config.settings.scanIntervalMinutes * MINUTE ? [{ key: 'backlog', backlogMinutes: backlogMs / MINUTE }] : []),
    ...(run.tally.pendingLeft > 0 ? [{ key: 'pending', pendingMessages: run.tally.pendingLeft }] : []),
    ...disabled.map((d) => ({ key: `slow-rule:${d.ruleId}`, disabledRule: d.ruleId })),
    ...run.config.problems.map((p) => ({ key: `config:${formatProblem(p)}`, configProblem: formatProblem(p) })),
  ];
  await reportHealth(run, conditions);

  const summary = baseSummary(run.config, scanResult, run);
  const notStarted = reads.filter((r) => r.status === 'not-started').length;
  const partial = reads.some((r) => r.status === 'partial' && !r.error);
  Object.assign(summary, {
    failures: run.tally.failures.sort((a, b) => a.logGroup.localeCompare(b.logGroup)),
    lease: 'acquired',
    cursorsAdvanced,
    groupsBehind: behind,
    backlogMinutes: Math.round((backlogMs / MINUTE) * 10) / 10,
    groupsNotScanned: notStarted,
    stoppedEarly: notStarted > 0 || partial,
    skippedWindows: run.tally.skipped,
    suppressed: run.tally.suppressed,
    belowThreshold: run.tally.belowThreshold,
    alreadySeen: reads.reduce((n, r) => n + r.alreadySeen, 0),
    resolved: run.tally.resolved,
    pending: run.tally.pendingLeft,
    pendingDelivered: run.tally.pendingDelivered,
    stateErrors: run.tally.stateErrors,
    disabledRules: disabled.map((d) => ({ ruleId: d.ruleId, reason: d.reason })),
    ...(run.tally.variableFailures.length ? { variableFailures: run.tally.variableFailures.sort((a, b) => a.logGroup.localeCompare(b.logGroup)) } : {}),
  } satisfies Partial<RunSummary>);
  return { config: run.config, scan: scanResult, payloads: run.tally.payloads, summary };
}

/** What identifies an alert across runs: rule, fingerprint and (for rules with groupBy) the group values. */
interface Identity {
  ref: FingerprintRef;
  /** The fingerprint as stored and shown in "resolved" notes. */
  text: string;
}

function sampleKey(a: Alert): string {
  return `${a.rule.id}\u0000${a.sample.logGroup}\u0000${a.sample.eventId}`;
}

function identityOf(ruleId: string, groupKey: string | undefined, fp: string): Identity {
  return groupKey
    ? { ref: { ruleId, key: fingerprintKey(`${fp}\u0000${groupKey}`) }, text: `${fp}  [${groupKey}]` }
    : { ref: { ruleId, key: fingerprintKey(fp) }, text: fp };
}

function summariseReads(reads: GroupRead[], end: number, durationMs: number): { result: ScanResult; identities: Map<Alert, Identity> } {
  // One grouper per groupBy value, so each alert knows the value it stands for (Alert does not carry it).
  const groupers = new Map<string, HitGrouper>();
  let events = 0;
  let hits = 0;
  let start = end;
  for (const r of reads) {
    events += r.events;
    hits += r.hits.length;
    for (const h of r.hits) {
      const g = h.groupKey ?? '';
      let grouper = groupers.get(g);
      if (!grouper) groupers.set(g, (grouper = new HitGrouper()));
      grouper.add(h);
    }
    if (r.status !== 'idle' && r.status !== 'not-started') start = Math.min(start, r.plan.readFrom);
  }
  const identities = new Map<Alert, Identity>();
  const alerts: Alert[] = [];
  for (const [groupKey, grouper] of groupers) {
    for (const a of grouper.result()) {
      identities.set(a, identityOf(a.rule.id, groupKey || undefined, a.fingerprint));
      alerts.push(a);
    }
  }
  alerts.sort((a, b) => a.rule.id.localeCompare(b.rule.id) || a.firstSeen - b.firstSeen || a.fingerprint.localeCompare(b.fingerprint));
  const result: ScanResult = {
    window: { startMs: start, endMs: end },
    alerts,
    logGroups: reads.length,
    events,
    hits,
    failures: reads.filter((r) => r.error).map((r) => ({ logGroup: r.plan.logGroup, error: r.error! })),
    durationMs,
  };
  return { result, identities };
}

function baseSummary(config: Config, result: ScanResult, run: Run): RunSummary {
  const durationMs = run.clock() - run.started;
  return {
    window: { start: isoOrOpen(result.window.startMs), end: isoOrOpen(result.window.endMs) },
    rules: config.rules.length,
    logGroups: result.logGroups,
    events: result.events,
    hits: result.hits,
    alerts: run.tally.alerts,
    messages: run.tally.payloads.length,
    failures: run.tally.failures,
    configProblems: config.problems.map(formatProblem),
    durationMs,
    eventsPerSecond: Math.round((result.events / Math.max(result.durationMs, 1)) * 1000),
  };
}
