/**
 * Everything the Lambda needs, locally: the CloudWatch Logs + SSM emulator and a Slack receiver,
 * with the AWS_ENDPOINT_URL_* / region / credential variables set so the handler's own SDK clients
 * (built with no endpoint) reach them. close() restores the environment.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  awsEnvFor,
  cloudWatchLogsClientFor,
  Emulator,
  EmulatorOptions,
  SeedEvent,
  ssmClientFor,
  startCloudWatchLogsEmulator,
} from './cloudwatch-logs-emulator';
import { SlackReceiver, startSlackReceiver } from './slack-receiver';

export interface LocalStack {
  endpoint: string;
  emulator: Emulator;
  logs: CloudWatchLogsClient;
  ssm: SSMClient;
  slack: SlackReceiver;
  seed(streams: { logGroup: string; logStream: string; events: SeedEvent[] }[]): Promise<void>;
  /** Requests per operation so far (a copy). */
  calls(): Record<string, number>;
  close(): Promise<void>;
}

export async function startLocalStack(options: EmulatorOptions = {}): Promise<LocalStack> {
  const [emulator, slack] = await Promise.all([startCloudWatchLogsEmulator(options), startSlackReceiver()]);
  const env = awsEnvFor(emulator);
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const logs = cloudWatchLogsClientFor(emulator);
  const ssm = ssmClientFor(emulator);
  return {
    endpoint: emulator.endpoint,
    emulator,
    logs,
    ssm,
    slack,
    async seed(streams) {
      for (const s of streams) emulator.seed(s.logGroup, s.logStream, s.events);
    },
    calls: () => ({ ...emulator.calls }),
    async close() {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      logs.destroy();
      ssm.destroy();
      await Promise.all([emulator.close(), slack.close()]);
    },
  };
}
