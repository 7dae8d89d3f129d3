/**
 * Every benchmark, one after the other (`npm run bench`), each writing bench/results/<name>.json; prints the
 * markdown tables at the end.
 *
 *   npx tsx bench/run.ts                 all (about 7 minutes: the filter engine runs 1,000 groups at a real 5 TPS)
 *   npx tsx bench/run.ts --quick         api-tick time-scaled x5 (said so in its table), matching on 50 MB
 *   npx tsx bench/run.ts --only matching,deployed
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { apiTickTable, runApiTick } from './api-tick';
import { costTable, runCost } from './cost';
import { deployedTable, runDeployed } from './deployed';
import { matchingTable, runMatching } from './matching';

const quick = process.argv.includes('--quick');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? new Set(process.argv[onlyAt + 1]!.split(',')) : undefined;
const want = (name: string) => !only || only.has(name);

async function main() {
  const tables: string[] = [];
  const step = async (name: string, f: () => Promise<string> | string) => {
    if (!want(name)) return;
    const t = performance.now();
    process.stderr.write(`bench ${name} ...\n`);
    tables.push(`### ${name}\n\n${await f()}`);
    process.stderr.write(`bench ${name}: ${((performance.now() - t) / 1000).toFixed(0)} s\n`);
  };
  await step('api-tick', async () => apiTickTable(await runApiTick(quick ? { filterScale: 5 } : {})));
  await step('cost', () => costTable(runCost()));
  await step('matching', async () => matchingTable(await runMatching(quick ? { mb: 50 } : {})));
  await step('deployed', () => deployedTable(runDeployed()));
  await step('fingerprint', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'fingerprint', 'run.ts')], { encoding: 'utf8', cwd: join(__dirname, '..') });
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout.trim();
  });
  console.log(tables.join('\n\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
