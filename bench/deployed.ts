/**
 * Benchmark (c): the deployed shape.
 * - bundle: `npx serverless package --stage dev --package <tmp>` and the function zip's size;
 * - cold init: a fresh `node` requiring the bundled handler (median of 5), minus an empty node start;
 * - memory: peak RSS of a fresh process streaming 1,000,000 generated events through `scan()`.
 *
 *   npx tsx bench/deployed.ts [--skip-package]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function nodeMs(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
  return Number(r.stdout.trim().split('\n').pop());
}

export function runDeployed(opts: { skipPackage?: boolean } = {}) {
  const out: Record<string, unknown> = { date: new Date().toISOString(), node: process.version };
  const skip = opts.skipPackage ?? process.argv.includes('--skip-package');
  const work = mkdtempSync(join(tmpdir(), 'cwla-deployed-'));
  try {
    if (!skip) {
      const pkgDir = join(work, 'pkg');
      const t = performance.now();
      execFileSync('npx', ['serverless', 'package', '--stage', 'dev', '--package', pkgDir], {
        cwd: ROOT,
        stdio: 'pipe',
        env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
      });
      out.packageSeconds = (performance.now() - t) / 1000;
      const zips = readdirSync(pkgDir).filter((f) => f.endsWith('.zip'));
      out.zips = Object.fromEntries(zips.map((z) => [z, statSync(join(pkgDir, z)).size]));
      const zip = zips[0]!;
      out.zipBytes = statSync(join(pkgDir, zip)).size;
      const unzipped = join(work, 'unzipped');
      mkdirSync(unzipped);
      execFileSync('unzip', ['-q', join(pkgDir, zip), '-d', unzipped]);
      const handler = join(unzipped, 'src', 'handler.js');
      out.handlerJsBytes = statSync(handler).size;
      // The AWS SDK is provided by the Lambda runtime (excluded from the bundle): resolve it from node_modules.
      const env = { ...process.env, NODE_PATH: join(ROOT, 'node_modules') };
      const probe = `const t=process.hrtime.bigint();require(${JSON.stringify(handler)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
      const empty = `const t=process.hrtime.bigint();console.log(Number(process.hrtime.bigint()-t)/1e6)`;
      const inits = Array.from({ length: 5 }, () => nodeMs(['-e', probe], env));
      const starts = Array.from({ length: 5 }, () => {
        const t = performance.now();
        nodeMs(['-e', empty]);
        return performance.now() - t;
      });
      const fulls = Array.from({ length: 5 }, () => {
        const t = performance.now();
        nodeMs(['-e', probe], env);
        return performance.now() - t;
      });
      out.coldInitRequireMs = median(inits);
      out.nodeStartMs = median(starts);
      out.coldProcessWithHandlerMs = median(fulls);
    }
    // Peak RSS while scanning 1,000,000 events (fresh process, so the number is the scan's alone).
    const script = join(ROOT, 'bench', 'scale', 'rss-scan.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, '1000000'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`rss-scan failed: ${r.stderr}`);
    out.rssScan = JSON.parse(r.stdout.trim().split('\n').pop()!);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'deployed.json'), `${JSON.stringify(out, null, 2)}\n`);
  return out;
}

export function deployedTable(d: ReturnType<typeof runDeployed>): string {
  const rss = d.rssScan as { events: number; peakRssMb: number; baselineRssMb: number; seconds: number; hits: number };
  const rows = [
    d.zipBytes !== undefined ? `| function zip (serverless package) | ${((d.zipBytes as number) / 1024).toFixed(0)} KiB (handler.js ${((d.handlerJsBytes as number) / 1024).toFixed(0)} KiB, AWS SDK excluded) |` : undefined,
    d.coldInitRequireMs !== undefined
      ? `| cold init: require(bundled handler) in a fresh node | ${(d.coldInitRequireMs as number).toFixed(0)} ms (whole process ${(d.coldProcessWithHandlerMs as number).toFixed(0)} ms vs empty node ${(d.nodeStartMs as number).toFixed(0)} ms) |`
      : undefined,
    `| peak RSS, scan() over ${rss.events.toLocaleString('en-US')} generated events | ${rss.peakRssMb.toFixed(0)} MB (baseline ${rss.baselineRssMb.toFixed(0)} MB; ${rss.seconds.toFixed(1)} s, ${rss.hits} hits) |`,
  ].filter(Boolean);
  return ['| deployed shape | measured |', '| --- | --- |', ...rows].join('\n');
}

if (require.main === module) {
  console.log(deployedTable(runDeployed()));
}
