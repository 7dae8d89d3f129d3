import vm from 'node:vm';

// A JavaScript regex cannot be stopped once `exec` starts, except by V8 terminating the running script.
// `vm`'s `timeout` does exactly that (and it does interrupt a backtracking regex), so code that must not
// stall runs as a callback inside a tiny script with a timeout. Starting the watchdog costs ~0.1 ms, so it is
// used per batch of events (matchEvents) or for single regexes the static check flags, never per line.

const context = vm.createContext(Object.create(null) as object);
const script = new vm.Script('run()', { filename: 'cwla-watchdog.vm' });
let depth = 0;

export type Guarded<T> = { ok: true; value: T } | { ok: false };

/** Runs `fn`, interrupting it after `timeoutMs`. Nested calls run without a second watchdog. */
export function withWatchdog<T>(fn: () => T, timeoutMs: number): Guarded<T> {
  if (depth > 0) return { ok: true, value: fn() };
  depth++;
  (context as { run?: () => T }).run = fn;
  try {
    return { ok: true, value: script.runInContext(context, { timeout: Math.max(1, Math.ceil(timeoutMs)) }) as T };
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return { ok: false };
    throw err;
  } finally {
    (context as { run?: () => T }).run = undefined;
    depth--;
  }
}

/** True while code runs under a watchdog (then nothing needs its own). */
export function underWatchdog(): boolean {
  return depth > 0;
}
