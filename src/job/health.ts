// The scanner's own health, reported to the ops channel at most once per realert window per condition.
import { buildHealthMessage } from '../alerts';
import { opsChannel } from '../config/channels';
import { type FingerprintState, dueConditions, healthRef, healthStateKey, reportedState, type HealthCondition } from '../state';
import { CURSOR_TTL_MS, MINUTE, Run, STATE_CONCURRENCY, mapLimit } from './run';


export interface ScannerCondition extends HealthCondition {
  failure?: { logGroup: string; error: string };
  backlogMinutes?: number;
  pendingMessages?: number;
  disabledRule?: string;
  configProblem?: string;
}

/** Posts the conditions that are due (see `dueConditions`) as one health message and records them as reported. */
export async function reportHealth(run: Run, conditions: ScannerCondition[]): Promise<void> {
  if (conditions.length === 0) return;
  let states: Map<string, FingerprintState>;
  try {
    states = await run.state.getFingerprints(conditions.map(healthRef));
  } catch (err) {
    run.stateError('reading scanner health state', err);
    return;
  }
  const realertMs = run.config.settings.realertMinutes * MINUTE;
  const due = dueConditions(conditions, states, run.now, realertMs);
  if (due.length === 0) return;
  const health = buildHealthMessage(
    {
      failures: due.flatMap((c) => (c.failure ? [c.failure] : [])),
      pendingMessages: due.reduce((n, c) => n + (c.pendingMessages ?? 0), 0),
      backlogMinutes: due.reduce((m, c) => Math.max(m, c.backlogMinutes ?? 0), 0),
      disabledRules: due.flatMap((c) => (c.disabledRule ? [c.disabledRule] : [])),
      configProblems: due.flatMap((c) => (c.configProblem ? [c.configProblem] : [])),
    },
    { now: run.now },
  );
  run.tally.payloads.push(health);
  const ops = run.config.channels ? opsChannel(run.config.channels) : undefined;
  const sent = await run.send(health, run.sendStopAt, ops);
  // Not queued when it fails: the conditions are re-derived next run, and a health note waiting behind a
  // broken channel would only add to its backlog.
  if (!sent.delivered) return;
  const expiresAt = run.clock() + realertMs + CURSOR_TTL_MS;
  await mapLimit(due, STATE_CONCURRENCY, async (c) => {
    try {
      await run.state.putFingerprint(reportedState(c, states.get(healthStateKey(c)), run.now, expiresAt));
    } catch (err) {
      // Reported all the same; at worst the next run says it again.
      run.stateError('recording scanner health', err);
    }
  });
}
