/**
 * Benchmark (d): monthly cost for 1,000 log groups on a 5-minute schedule, both engines, from the figures
 * measured in bench/results/api-tick.json and public list prices (us-east-1):
 * - Lambda arm64 duration $0.0000133334 per GB-second, requests $0.20 per million
 *   (AWS Lambda pricing page, as quoted by cloudchipr.com "AWS Lambda Pricing" 2024 and others, checked 2026-11-23);
 * - CloudWatch Logs Insights $0.005 per GB scanned (c3x.dev "CloudWatch Logs cost optimization", June 2026;
 *   factualminds.com, May 2026);
 * - FilterLogEvents / DescribeLogGroups / StartQuery / GetQueryResults: no per-request line on the CloudWatch
 *   pricing page (the API-request charges listed there are for metric APIs), so $0 here.
 * Free tiers are ignored (shared with the rest of the account).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PRICES = {
  date: '2026-11-23',
  lambdaUsdPerGbSecondArm: 0.0000133334,
  lambdaUsdPerMillionRequests: 0.2,
  insightsUsdPerGbScanned: 0.005,
  logsApiUsdPerRequest: 0,
};

interface TickRun {
  engine: string;
  wallSecondsAtRealQuota: number;
  totalCalls: number;
  bytesScanned?: number;
}

export function runCost(opts: { memoryMb?: number } = {}) {
  const tick = JSON.parse(readFileSync(join(__dirname, 'results', 'api-tick.json'), 'utf8')) as { runs: TickRun[]; world: { bytes: number }; groups: number };
  const memoryGb = (opts.memoryMb ?? 512) / 1024;
  const ticksPerMonth = (30 * 24 * 60) / 5;
  const rows = tick.runs
    .filter((r) => !r.engine.startsWith('naive'))
    .map((r) => {
      const gbSeconds = r.wallSecondsAtRealQuota * memoryGb * ticksPerMonth;
      const lambda = gbSeconds * PRICES.lambdaUsdPerGbSecondArm + (ticksPerMonth / 1e6) * PRICES.lambdaUsdPerMillionRequests;
      const gbScanned = ((r.bytesScanned ?? 0) / 1e9) * ticksPerMonth;
      const insights = gbScanned * PRICES.insightsUsdPerGbScanned;
      return {
        engine: r.engine,
        secondsPerTick: r.wallSecondsAtRealQuota,
        gbSecondsPerMonth: gbSeconds,
        lambdaUsd: lambda,
        gbScannedPerMonth: gbScanned,
        insightsUsd: insights,
        apiCallsPerMonth: r.totalCalls * ticksPerMonth,
        apiUsd: r.totalCalls * ticksPerMonth * PRICES.logsApiUsdPerRequest,
        totalUsd: lambda + insights,
      };
    });
  const perGbWindow = (1 / (tick.world.bytes / 1e9)) * 1; // scale factor to 1 GB per window
  const report = { prices: PRICES, memoryMb: opts.memoryMb ?? 512, ticksPerMonth, groups: tick.groups, bytesPerWindow: tick.world.bytes, rows, insightsUsdPerMonthPerGbPerWindow: ticksPerMonth * PRICES.insightsUsdPerGbScanned, perGbWindow };
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'cost.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

export function costTable(r: ReturnType<typeof runCost>): string {
  return [
    `Monthly cost, ${r.groups} groups, 5-minute schedule (${r.ticksPerMonth} ticks/month), ${r.memoryMb} MB arm64, ${(r.bytesPerWindow / 1e6).toFixed(0)} MB of logs per window as in the tick benchmark. Prices us-east-1 as of ${r.prices.date}: Lambda $${r.prices.lambdaUsdPerGbSecondArm}/GB-s + $${r.prices.lambdaUsdPerMillionRequests}/M requests, Insights $${r.prices.insightsUsdPerGbScanned}/GB scanned, Logs read APIs $0/request. Insights scales linearly with volume: $${r.insightsUsdPerMonthPerGbPerWindow.toFixed(2)}/month per GB per window.`,
    '',
    '| engine | Lambda s/tick | GB-s/month | Lambda $/month | GB scanned/month | Insights $/month | API calls/month | total $/month |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.rows.map(
      (x) =>
        `| ${x.engine} | ${x.secondsPerTick.toFixed(1)} | ${x.gbSecondsPerMonth.toFixed(0)} | ${x.lambdaUsd.toFixed(2)} | ${x.gbScannedPerMonth.toFixed(1)} | ${x.insightsUsd.toFixed(2)} | ${Math.round(x.apiCallsPerMonth).toLocaleString('en-US')} | ${x.totalUsd.toFixed(2)} |`,
    ),
  ].join('\n');
}

if (require.main === module) {
  console.log(costTable(runCost()));
}
