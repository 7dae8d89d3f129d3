import { formatProblem, loadConfig } from '../config';
import { parseArgs, stringFlag, UsageError } from './args';

/** `validate [--config DIR]`: for pull-request CI, so a bad rule is caught before it is deployed. */
export async function validateCommand(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const parsed = parseArgs(args, []);
  const unexpected = [...parsed.flags.keys()].filter((f) => f !== 'config').map((f) => `--${f}`);
  if (parsed.positional.length || unexpected.length) {
    throw new UsageError(`validate takes only --config DIR, got ${[...unexpected, ...parsed.positional].join(' ')}`);
  }
  const dir = stringFlag(parsed, 'config') ?? 'config';
  const config = await loadConfig(dir);
  if (config.problems.length > 0) {
    for (const p of config.problems) err.write(`${formatProblem(p)}\n`);
    return 1;
  }
  const rules = config.rules.length;
  const files = config.ruleFiles?.length ?? 0;
  out.write(`${rules} ${rules === 1 ? 'rule' : 'rules'} in ${files} ${files === 1 ? 'file' : 'files'} OK\n`);
  return 0;
}
