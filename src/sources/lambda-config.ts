import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { RUNTIME_VARIABLES, type Rule } from '../config/types';
import type { GroupVariables, GroupVariablesResult } from '../scan';

const LAMBDA_GROUP = /^\/aws\/lambda\/(.+)$/;
/** A function's timeout and memory rarely change; re-read them after this long. */
export const FUNCTION_CONFIG_TTL_MS = 15 * 60_000;

/** Calls lambda:GetFunctionConfiguration; the seam tests replace. */
export type FunctionConfigurationLookup = (functionName: string) => Promise<{ Timeout?: number; MemorySize?: number }>;

export function functionConfigurationFromLambda(client: LambdaClient): FunctionConfigurationLookup {
  return (FunctionName) => client.send(new GetFunctionConfigurationCommand({ FunctionName }));
}

/** Whether any rule's `when:` reads a run-time variable (timeoutMs, memorySizeMb). */
export function usesRuntimeVariables(rules: readonly Rule[]): boolean {
  return rules.some((r) => r.when?.variables.some((v) => (RUNTIME_VARIABLES as readonly string[]).includes(v)));
}

/**
 * Run-time variables of `/aws/lambda/<name>` groups from the function's configuration: `timeoutMs`
 * (Timeout × 1000) and `memorySizeMb`. Looked up only for groups whose rules use them, and cached per
 * function for `ttlMs` (a failure is not kept), so a warm container asks once per function per TTL.
 * Never throws: a failed lookup (function deleted, AccessDenied) comes back as `{ error }`.
 */
export class FunctionVariablesCache {
  private readonly entries = new Map<string, { at: number; result: Promise<GroupVariablesResult> }>();

  constructor(
    private readonly lookup: FunctionConfigurationLookup,
    private readonly opts: { ttlMs?: number; clock?: () => number } = {},
  ) {}

  readonly variables: GroupVariables = async (logGroup, rules) => {
    const m = LAMBDA_GROUP.exec(logGroup);
    if (!m || !usesRuntimeVariables(rules)) return {};
    return this.forFunction(m[1]!);
  };

  forFunction(name: string): Promise<GroupVariablesResult> {
    const now = (this.opts.clock ?? Date.now)();
    const hit = this.entries.get(name);
    if (hit && now - hit.at < (this.opts.ttlMs ?? FUNCTION_CONFIG_TTL_MS)) return hit.result;
    const result = this.lookup(name).then(
      (c): GroupVariablesResult => {
        const vars: Record<string, number> = {};
        if (typeof c.Timeout === 'number') vars.timeoutMs = c.Timeout * 1000;
        if (typeof c.MemorySize === 'number') vars.memorySizeMb = c.MemorySize;
        return { vars };
      },
      (err: unknown): GroupVariablesResult => {
        // Not kept: the next run asks again (the function may be back, the throttle over).
        if (this.entries.get(name)?.result === result) this.entries.delete(name);
        return { error: `lambda:GetFunctionConfiguration ${name}: ${describeError(err)}` };
      },
    );
    this.entries.set(name, { at: now, result });
    return result;
  }

  clear(): void {
    this.entries.clear();
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}
