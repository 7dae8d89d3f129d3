/**
 * Fingerprint quality and speed.
 *   npx tsx bench/fingerprint/run.ts              table + bench/results/fingerprint.json
 *   npx tsx bench/fingerprint/run.ts --errors Mac [--source loghub-heldout|loghub-dev2|synthetic]
 *                                                 also list the mis-grouped lines of one system
 *
 * Grouping accuracy (as in the Loghub / logparser benchmarks): a line counts as correct when the
 * set of lines sharing its fingerprint is exactly the set of lines sharing its true template.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprint } from '../../src/dedup/fingerprint';
import { loadDatasets, type Sample } from './dataset';

export function groupingAccuracy(samples: Sample[], fps: string[]): number {
  const truthSize = new Map<string, number>();
  for (const s of samples) truthSize.set(s.template, (truthSize.get(s.template) ?? 0) + 1);
  const groups = new Map<string, number[]>();
  fps.forEach((fp, i) => (groups.get(fp) ?? groups.set(fp, []).get(fp)!).push(i));
  let correct = 0;
  for (const members of groups.values()) {
    const label = samples[members[0]!]!.template;
    if (members.every((i) => samples[i]!.template === label) && truthSize.get(label) === members.length) {
      correct += members.length;
    }
  }
  return samples.length === 0 ? 0 : correct / samples.length;
}

function mistakes(samples: Sample[], fps: string[]): string {
  const byFp = new Map<string, Set<string>>();
  const byTruth = new Map<string, Set<string>>();
  samples.forEach((s, i) => {
    (byFp.get(fps[i]!) ?? byFp.set(fps[i]!, new Set()).get(fps[i]!)!).add(s.template);
    (byTruth.get(s.template) ?? byTruth.set(s.template, new Set()).get(s.template)!).add(fps[i]!);
  });
  const lines: string[] = [];
  for (const [t, set] of byTruth) {
    if (set.size > 1) {
      lines.push(`SPLIT ${t} into ${set.size}:`);
      for (const fp of set) lines.push(`    ${fp}`);
    }
  }
  for (const [fp, set] of byFp) if (set.size > 1) lines.push(`MERGED ${[...set].join(',')}: ${fp}`);
  return lines.join('\n');
}

function throughput(messages: string[]): number {
  const lines: string[] = [];
  while (lines.length < 200_000) lines.push(...messages);
  for (let i = 0; i < 20_000; i++) fingerprint(lines[i]!); // warm up the JIT
  const start = process.hrtime.bigint();
  let sink = 0;
  for (const l of lines) sink += fingerprint(l).length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink < 0) console.log(sink);
  return Math.round(lines.length / seconds);
}

function main(): void {
  const arg = (name: string): string | undefined =>
    process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
  const errorsFor = arg('--errors');
  const errorsSource = arg('--source') ?? 'loghub';
  const datasets = loadDatasets();
  const rows = datasets.map((d) => {
    const fps = d.samples.map((s) => fingerprint(s.message));
    if (d.system === errorsFor && d.source === errorsSource) console.log(mistakes(d.samples, fps) + '\n');
    return {
      system: d.system,
      source: d.source,
      lines: d.samples.length,
      templates: new Set(d.samples.map((s) => s.template)).size,
      fingerprints: new Set(fps).size,
      accuracy: groupingAccuracy(d.samples, fps),
    };
  });
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  // One average per source: seen (loghub), development stretches (heldout, dev2) and synthetic are read apart.
  const sources = [...new Set(rows.map((r) => r.source))];
  const averages = Object.fromEntries(sources.map((s) => [s, mean(rows.filter((r) => r.source === s).map((r) => r.accuracy))]));
  const summary = {
    loghubAverage: averages['loghub'],
    loghubHeldoutAverage: averages['loghub-heldout'],
    averages,
    overallAverage: mean(rows.map((r) => r.accuracy)),
    linesPerSecond: throughput(datasets.flatMap((d) => d.samples.map((s) => s.message))),
  };

  const table = [
    '| System | Source | Lines | True templates | Fingerprints | Grouping accuracy |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.system} | ${r.source} | ${r.lines} | ${r.templates} | ${r.fingerprints} | ${r.accuracy.toFixed(3)} |`),
    ...sources.map((s) => {
      const n = rows.filter((r) => r.source === s).length;
      return `| **${s} average** (${n} systems) | | | | | **${averages[s]!.toFixed(3)}** |`;
    }),
    `| **Overall average** (${rows.length} systems) | | | | | **${summary.overallAverage.toFixed(3)}** |`,
  ].join('\n');
  console.log(table);
  console.log(`\nThroughput: ${summary.linesPerSecond.toLocaleString('en-US')} lines/s (one core, benchmark lines)`);

  const dir = join(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'fingerprint.json'), JSON.stringify({ ...summary, systems: rows }, null, 2) + '\n');
}

if (require.main === module) main();
