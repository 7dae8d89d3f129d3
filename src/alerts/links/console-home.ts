// The region is interpolated into every console URL (and from there into Slack link
// markup), so anything that is not a plain region code is refused rather than escaped.
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Console host per partition, as Grafana's CloudWatch data source does it
 * (grafana/grafana public/app/plugins/datasource/cloudwatch/aws_url.ts):
 * `cn-*` → console.amazonaws.cn, `us-gov-*` → console.amazonaws-us-gov.com, else console.aws.amazon.com.
 */
function consoleHost(region: string): string {
  if (region.startsWith('cn-')) return `${region}.console.amazonaws.cn`;
  if (region.startsWith('us-gov-')) return `${region}.console.amazonaws-us-gov.com`;
  return `${region}.console.aws.amazon.com`;
}

/** `https://<host>/cloudwatch/home?region=<region>`; every deep link appends its `#...` hash to this. */
export function cloudWatchConsoleHome(region: string): string {
  if (!REGION.test(region)) throw new Error(`Not an AWS region code: ${JSON.stringify(region)}`);
  return `https://${consoleHost(region)}/cloudwatch/home?region=${region}`;
}
