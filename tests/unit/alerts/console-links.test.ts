import {
  cloudWatchConsoleHome,
  findTraceId,
  insightsQueryForPattern,
  insightsRegexLiteral,
  logsInsightsUrl,
  logStreamAtEventUrl,
  logStreamUrl,
  xrayTraceUrl,
} from '../../../src/alerts';
import { encodeLogsV2Name, jsurlString } from '../../../src/alerts/links/console-encoding';

describe('console home per partition', () => {
  it.each([
    ['us-east-1', 'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1'],
    ['eu-west-2', 'https://eu-west-2.console.aws.amazon.com/cloudwatch/home?region=eu-west-2'],
    ['ap-southeast-4', 'https://ap-southeast-4.console.aws.amazon.com/cloudwatch/home?region=ap-southeast-4'],
    // Hosts as in grafana/grafana public/app/plugins/datasource/cloudwatch/aws_url.ts (getLogsEndpoint).
    ['cn-north-1', 'https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1'],
    ['cn-northwest-1', 'https://cn-northwest-1.console.amazonaws.cn/cloudwatch/home?region=cn-northwest-1'],
    ['us-gov-west-1', 'https://us-gov-west-1.console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1'],
  ])('%s', (region, home) => {
    expect(cloudWatchConsoleHome(region)).toBe(home);
  });

  it.each(['', 'US-EAST-1', 'us-east-1|x', 'us-east-1>', 'evil.example/#', 'us-east-1 '])('refuses %j', (region) => {
    expect(() => cloudWatchConsoleHome(region)).toThrow(/region/);
  });
});

describe('log stream link', () => {
  it('double-encodes names with % → $ like the console', () => {
    // As copied from console URLs: /aws/lambda/foo and a Lambda stream with [$LATEST].
    expect(encodeLogsV2Name('/aws/lambda/foo')).toBe('$252Faws$252Flambda$252Ffoo');
    expect(encodeLogsV2Name('2024/01/01/[$LATEST]abc')).toBe('2024$252F01$252F01$252F$255B$2524LATEST$255Dabc');
  });

  it('matches a stream link with a time range as written by the console', () => {
    // Console hash quoted in No-Backspace-Crew/Speedrun (speedrun.user.js, extractCloudWatchTime):
    // #logsV2:log-groups/log-group/$252Faws$252Flambda$252Fserverless-api-sample-dev-serverless-api-sample/log-events/
    // 2022$252F04$252F14$252F$255B$2524LATEST$255D456616728e3e40d093af1981cbe2d8b1$3Fstart$3D1649228400000$26end$3D1649235600000
    const url = logStreamUrl({
      region: 'us-west-2',
      logGroup: '/aws/lambda/serverless-api-sample-dev-serverless-api-sample',
      logStream: '2022/04/14/[$LATEST]456616728e3e40d093af1981cbe2d8b1',
      startMs: 1649228400000,
      endMs: 1649235600000,
    });
    expect(url).toBe(
      'https://us-west-2.console.aws.amazon.com/cloudwatch/home?region=us-west-2' +
        '#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fserverless-api-sample-dev-serverless-api-sample/log-events/' +
        '2022$252F04$252F14$252F$255B$2524LATEST$255D456616728e3e40d093af1981cbe2d8b1$3Fstart$3D1649228400000$26end$3D1649235600000',
    );
  });

  it('matches the aws-cloudwatch-logs-url test vector (stream with [39])', () => {
    // sinofseven/cloudwatch-logs-url-python tests/unit/test_aws_cloudwatch_logs_url.py, case without filter pattern.
    const url = logStreamUrl({
      region: 'ap-northeast-1',
      logGroup: '/aws/lambda/luciferous-devio-index-cl-FunctionCheckIndividualS-qNWf7JYCZBBM',
      logStream: '2024/06/30/[39]3ca88f3a2fff4810b2de52cf027d0a40',
      startMs: 1719759600000,
      endMs: 1722437999000,
    });
    expect(url).toBe(
      'https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1#logsV2:log-groups/log-group/' +
        '$252Faws$252Flambda$252Fluciferous-devio-index-cl-FunctionCheckIndividualS-qNWf7JYCZBBM/log-events/' +
        '2024$252F06$252F30$252F$255B39$255D3ca88f3a2fff4810b2de52cf027d0a40$3Fstart$3D1719759600000$26end$3D1722437999000',
    );
  });

  it('opens N minutes either side of the hit', () => {
    const url = logStreamAtEventUrl(
      'eu-central-1',
      { logGroup: '/ecs/api', logStream: 'ecs/web/0f1e2d3c', timestamp: 1_700_000_000_123 },
      5,
    );
    expect(url).toBe(
      'https://eu-central-1.console.aws.amazon.com/cloudwatch/home?region=eu-central-1' +
        '#logsV2:log-groups/log-group/$252Fecs$252Fapi/log-events/ecs$252Fweb$252F0f1e2d3c' +
        '$3Fstart$3D1699999700123$26end$3D1700000300123',
    );
  });

  it('never emits a negative (relative) start', () => {
    const url = logStreamAtEventUrl('us-east-1', { logGroup: 'g', logStream: 's', timestamp: 1000 }, 5);
    expect(url).toMatch(/\$3Fstart\$3D0\$26end\$3D301000$/);
  });

  it('survives a lone surrogate in a stream name', () => {
    expect(() => logStreamUrl({ region: 'us-east-1', logGroup: 'g', logStream: 'a\uD800b', startMs: 0, endMs: 1 })).not.toThrow();
  });
});

describe('Logs Insights link', () => {
  it('encodes values the way the console writes queryDetail (JSURL, lower-case *xx)', () => {
    // editorString of a Logs Insights URL copied from the console (a runbook in the code corpus):
    // fields*20httpRequest.clientIp*20as*20ip*0a*7c*20filter*20action*20*3d*20*27BLOCK*27*0a*7c*20stats*20count*28*2a*29...
    expect(
      jsurlString("fields httpRequest.clientIp as ip\n| filter action = 'BLOCK'\n| stats count(*) as requestCount by ip\n| sort requestCount desc"),
    ).toBe(
      "'fields*20httpRequest.clientIp*20as*20ip*0a*7c*20filter*20action*20*3d*20*27BLOCK*27*0a*7c*20stats*20count*28*2a*29*20as*20requestCount*20by*20ip*0a*7c*20sort*20requestCount*20desc",
    );
    // source of a console hash (Speedrun): source~(~'*2faws*2flambda*2fserverless-api-sample-dev-serverless-api-sample)
    expect(jsurlString('/aws/lambda/serverless-api-sample-dev-serverless-api-sample')).toBe(
      "'*2faws*2flambda*2fserverless-api-sample-dev-serverless-api-sample",
    );
    // JSURL specials (github.com/Sage/jsurl): $ → !, non-Latin-1 → **xxxx.
    expect(jsurlString('a$b é ✓')).toBe("'a!b*20*e9*20**2713");
  });

  it('builds the absolute-range URL', () => {
    // Same fields as Grafana's expected console link (grafana/grafana CloudWatch datasource test:
    // ~(end~'2016-12-31T16*3a00*3a00.000Z~start~'2016-12-31T15*3a00*3a00.000Z~timeType~'ABSOLUTE~tz~'UTC
    // ~editorString~'fields*20*40timestamp*2c*20*40message*20*7c*20sort*20*40timestamp*20desc*20*7c*20limit*2025
    // ~isLiveTail~false~source~(~'group-A~'group-B))), in the logsV2 form plus lang~'CWLI.
    const url = logsInsightsUrl({
      region: 'us-east-2',
      logGroups: ['group-A', 'group-B'],
      startMs: Date.UTC(2016, 11, 31, 15),
      endMs: Date.UTC(2016, 11, 31, 16),
      query: 'fields @timestamp, @message | sort @timestamp desc | limit 25',
    });
    expect(url).toBe(
      'https://us-east-2.console.aws.amazon.com/cloudwatch/home?region=us-east-2#logsV2:logs-insights$3FqueryDetail$3D' +
        "~(end~'2016-12-31T16*3a00*3a00.000Z~start~'2016-12-31T15*3a00*3a00.000Z~timeType~'ABSOLUTE~tz~'UTC" +
        "~editorString~'fields*20*40timestamp*2c*20*40message*20*7c*20sort*20*40timestamp*20desc*20*7c*20limit*2025" +
        "~source~(~'group-A~'group-B)~lang~'CWLI)",
    );
  });

  it('builds the rule query and embeds it', () => {
    const query = insightsQueryForPattern(/ERROR/);
    expect(query).toBe('fields @timestamp, @logStream, @message | filter @message like /ERROR/ | sort @timestamp desc | limit 100');
    const url = logsInsightsUrl({
      region: 'eu-west-1',
      logGroups: ['/aws/lambda/foo'],
      startMs: Date.UTC(2024, 0, 1, 11, 55),
      endMs: Date.UTC(2024, 0, 1, 12, 5),
      query,
    });
    expect(url).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:logs-insights$3FqueryDetail$3D' +
        "~(end~'2024-01-01T12*3a05*3a00.000Z~start~'2024-01-01T11*3a55*3a00.000Z~timeType~'ABSOLUTE~tz~'UTC" +
        "~editorString~'fields*20*40timestamp*2c*20*40logStream*2c*20*40message*20*7c*20filter*20*40message*20like*20*2fERROR*2f" +
        "*20*7c*20sort*20*40timestamp*20desc*20*7c*20limit*20100~source~(~'*2faws*2flambda*2ffoo)~lang~'CWLI)",
    );
  });

  it('keeps the regex inside its /…/ literal', () => {
    expect(insightsRegexLiteral(/a\/b[/]c/)).toBe('/a\\/b[\\/]c/');
    expect(insightsRegexLiteral(new RegExp('path=/tmp/x'))).toBe('/path=\\/tmp\\/x/');
    expect(insightsRegexLiteral(/\\/)).toBe('/\\\\/');
    expect(insightsRegexLiteral(/timed out/i)).toBe('/(?i)timed out/');
    expect(insightsRegexLiteral(/^a.b$/ms)).toBe('/(?ms)^a.b$/');
    expect(insightsRegexLiteral(new RegExp('line\nbreak'))).toBe('/line\\nbreak/');
  });

  it('keeps at most 50 log groups', () => {
    const groups = Array.from({ length: 60 }, (_, i) => `g${i}`);
    const url = logsInsightsUrl({ region: 'us-east-1', logGroups: groups, startMs: 0, endMs: 1, query: 'x' });
    expect(url).toContain("~'g49)");
    expect(url).not.toContain("~'g50");
  });
});

describe('X-Ray trace', () => {
  it('links the trace in the CloudWatch console', () => {
    // Console link format as copied from the CloudWatch console:
    // https://eu-west-2.console.aws.amazon.com/cloudwatch/home?region=eu-west-2#xray:traces/1-6352641a-03093dcd66a913fd00a682ac?~(query~()…)
    expect(xrayTraceUrl('eu-west-2', '1-6352641a-03093dcd66a913fd00a682ac')).toBe(
      'https://eu-west-2.console.aws.amazon.com/cloudwatch/home?region=eu-west-2#xray:traces/1-6352641a-03093dcd66a913fd00a682ac',
    );
    expect(() => xrayTraceUrl('us-east-1', '1-6352641a-03093dcd66a913fd00a682ac>')).toThrow();
  });

  it.each([
    ['REPORT RequestId: x\tXRAY TraceId: 1-5e1b4151-5ac6c58f3c8a8e2e2b4d8a4d\tSegmentId: 6ba7b8109dad11d1', '1-5e1b4151-5ac6c58f3c8a8e2e2b4d8a4d'],
    ['{"traceId":"1-5759e988-bd862e3fe1be46a994272793","level":"error"}', '1-5759e988-bd862e3fe1be46a994272793'],
    ['X-Amzn-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1', '1-5759e988-bd862e3fe1be46a994272793'],
    // The request's own trace is Root, even when Self comes first (ALB header).
    ['Self=1-67891234-12456789abcdef0123456789;Root=1-67891233-abcdef012345678912345678', '1-67891233-abcdef012345678912345678'],
  ])('finds the trace id in %j', (line, id) => {
    expect(findTraceId(line)).toBe(id);
  });

  it.each([
    'no trace here',
    'x1-5759e988-bd862e3fe1be46a994272793',
    '1-5759e988-bd862e3fe1be46a994272793ff',
    '1-5759E988-BD862E3FE1BE46A994272793',
    '1-5759e988-bd862e3fe1be46a99427279',
  ])('finds none in %j', (line) => {
    expect(findTraceId(line)).toBeUndefined();
  });
});
