import { fingerprintCommand } from './fingerprint';
import { scanCommand, SCAN_USAGE } from './scan';
import { testRuleCommand, TEST_RULE_USAGE } from './test-rule';
import { UsageError } from './args';
import { validateCommand } from './validate';

const USAGE = `usage: npm run --silent cli -- <command>
  validate [--config DIR]        check rule files; one file:line:col line per problem
  ${SCAN_USAGE.replace(/\n/g, '\n  ')}
  fingerprint                    read log messages on stdin, print one fingerprint per line
  ${TEST_RULE_USAGE.replace(/\n/g, '\n  ')}`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  validate: (args) => validateCommand(args, process.stdout, process.stderr),
  scan: (args) => scanCommand(args, process.stdout, process.stderr),
  fingerprint: (args) => fingerprintCommand(args, process.stdin, process.stdout),
  'test-rule': (args) => testRuleCommand(args, process.stdout, process.stderr),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`${name && name !== 'help' && name !== '--help' ? `unknown command "${name}"\n` : ''}${USAGE}\n`);
    return name === 'help' || name === '--help' ? 0 : 2;
  }
  try {
    return await command(args);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${name}: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
