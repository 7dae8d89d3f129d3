/**
 * A local CloudWatch Logs (+ a sliver of SSM and of Lambda) that speaks the real JSON 1.1 wire protocol, so the
 * production code runs with the real AWS SDK clients, pointed here by endpoint or by the
 * AWS_ENDPOINT_URL_* environment variables. Behaviour follows the AWS API reference; where AWS
 * behaves differently from its docs the code says so next to the rule.
 */
import { AddressInfo } from 'node:net';
import { CloudWatchLogsClient, CloudWatchLogsClientConfig } from '@aws-sdk/client-cloudwatch-logs';
import { SSMClient, SSMClientConfig } from '@aws-sdk/client-ssm';
import { Faults, FaultSpec, Quotas, seededRandom } from './cloudwatch-logs/faults';
import { HandlerContext, MAX_BATCH_BYTES } from './cloudwatch-logs/context';
import { createEmulatorServer, ServerState } from './cloudwatch-logs/server';
import { FunctionSpec, FunctionStore, type QueuedInvocation } from './cloudwatch-logs/lambda';
import { ParameterStore, ParameterType } from './cloudwatch-logs/ssm';
import { InsightsOptions, InsightsState } from './cloudwatch-logs/insights';
import { IngestionDelay, LogStore, SeedEvent, StoredEvent } from './cloudwatch-logs/store';
import { TokenCodec } from './cloudwatch-logs/tokens';

export type { FaultSpec, FunctionSpec, InsightsOptions, ParameterType, SeedEvent, StoredEvent };
export { INSIGHTS_DEFAULTS } from './cloudwatch-logs/insights';

export type CloudWatchLogsOperation =
  | 'CreateLogGroup'
  | 'DeleteLogGroup'
  | 'CreateLogStream'
  | 'PutLogEvents'
  | 'DescribeLogGroups'
  | 'DescribeLogStreams'
  | 'FilterLogEvents'
  | 'GetLogEvents'
  | 'StartQuery'
  | 'GetQueryResults'
  | 'StopQuery'
  | 'DescribeQueries'
  | 'GetLogRecord';
export type SsmOperation = 'GetParameter' | 'PutParameter';
/** Lambda (REST-JSON): GET /2015-03-31/functions/{FunctionName}/configuration, POST …/invocations. */
export type LambdaOperation = 'GetFunctionConfiguration' | 'Invoke';
export type Operation = CloudWatchLogsOperation | SsmOperation | LambdaOperation;

/** FilterLogEvents' documented hard quota (AWS knowledge center: 5 TPS per account and Region). */
export const FILTER_LOG_EVENTS_TPS = 5;

export interface EmulatorOptions {
  region?: string;
  accountId?: string;
  /** Seeds every random choice (throttleRate, partial pages, token secret) so a failing run replays. */
  rngSeed?: number;
  /** The emulator's clock for creationTime, ingestion and visibility; defaults to Date.now. */
  now?: () => number;
  /** Time between PutLogEvents/seed and visibility to reads (events are hidden until their ingestionTime). */
  ingestionDelayMs?: IngestionDelay;
  /** Requests per second per operation (token bucket); excess gets ThrottlingException "Rate exceeded". */
  quotas?: Partial<Record<Operation, number>>;
  /** 0..1: chance that a FilterLogEvents page is cut short (possibly empty) but still has a nextToken. */
  partialPageProbability?: number;
  /** Per-event size cap in bytes including the 26-byte overhead; AWS allows 1 MB since 2025, 256 KB before. */
  maxEventBytes?: number;
  /**
   * FilterLogEvents endTime: 'inclusive' as the API reference documents (default), or 'exclusive' as one
   * user observed (aws/aws-cli#4262). Code that must be right under both asks for endTime = end and drops
   * events with timestamp >= end itself.
   */
  filterEndTime?: 'inclusive' | 'exclusive';
  /** Logs Insights: query delay, concurrency and size limits, field truncation, outcomes. */
  insights?: InsightsOptions;
}

export interface Emulator {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  region: string;
  accountId: string;
  /** Requests received per operation, every attempt counted, faulted or not. */
  calls: Record<string, number>;
  /** ThrottlingException answers per operation (injected or from quotas). */
  throttled: Record<string, number>;
  faults: { set(op: Operation | '*', spec: FaultSpec): void; clear(op?: Operation | '*'): void };
  /** Creates the group and stream if needed and stores events without PutLogEvents' validation. */
  seed(logGroup: string, logStream?: string, events?: SeedEvent[]): StoredEvent[];
  putParameter(name: string, value: string, type?: ParameterType): void;
  /** A Lambda function whose configuration GetFunctionConfiguration returns (timeout in seconds, memory in MB). */
  putFunction(name: string, spec?: FunctionSpec): void;
  /** Deletes it: GetFunctionConfiguration then answers 404 ResourceNotFoundException. */
  deleteFunction(name: string): void;
  /** Asynchronous invocations (InvocationType Event) accepted so far, oldest first; the test runs them. */
  readonly invocations: readonly QueuedInvocation[];
  /** Escape hatch for assertions on stored state. */
  store: LogStore;
  /** Logs Insights queries started so far and the peak number running at once. */
  insights: InsightsState;
  /** Clears logs, parameters, counters, faults and quota buckets; keeps the server and options. */
  reset(): void;
  close(): Promise<void>;
}

export async function startCloudWatchLogsEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const random = seededRandom(options.rngSeed ?? Math.floor(Math.random() * 2 ** 32));
  const store = new LogStore(region, accountId, options.now ?? Date.now, options.ingestionDelayMs ?? 0);
  const cwl: HandlerContext = {
    store,
    tokens: new TokenCodec(options.rngSeed),
    random,
    maxEventBytes: options.maxEventBytes ?? MAX_BATCH_BYTES,
    partialPageProbability: options.partialPageProbability ?? 0,
    filterEndTimeInclusive: (options.filterEndTime ?? 'inclusive') === 'inclusive',
    insights: new InsightsState(options.insights),
  };
  const state: ServerState = {
    region,
    cwl,
    ssm: new ParameterStore(region, accountId),
    lambda: new FunctionStore(region, accountId),
    faults: new Faults(random),
    quotas: new Quotas(options.quotas as Record<string, number> | undefined),
    calls: {},
    throttled: {},
  };
  const server = createEmulatorServer(state);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    accountId,
    get calls() {
      return state.calls;
    },
    get throttled() {
      return state.throttled;
    },
    faults: state.faults,
    store,
    insights: cwl.insights!,
    seed(logGroup, logStream, events = []) {
      const group = store.groups.get(logGroup) ?? store.createGroup(logGroup);
      if (logStream === undefined) return [];
      const stream = group.streams.get(logStream) ?? store.createStream(group, logStream);
      return store.append(group, stream, [...events].sort((a, b) => a.timestamp - b.timestamp));
    },
    putParameter(name, value, type = 'SecureString') {
      state.ssm.put(name, value, type);
    },
    putFunction(name, spec = {}) {
      state.lambda.put(name, spec);
    },
    deleteFunction(name) {
      state.lambda.delete(name);
    },
    get invocations() {
      return state.lambda.invocations;
    },
    reset() {
      store.clear();
      cwl.insights!.clear();
      state.ssm.clear();
      state.lambda.clear();
      state.faults.clear();
      state.quotas.reset();
      state.calls = {};
      state.throttled = {};
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // includes requests parked by the `hang` fault
      });
    },
  };
}

/** Never valid in AWS; present only so the SDK can sign requests. */
export const FAKE_CREDENTIALS = { accessKeyId: 'AKIAEMULATOR00000000', secretAccessKey: 'emulator-secret-key' };

export interface ClientOptions {
  /** SDK attempts including the first (SDK default 3). */
  maxAttempts?: number;
  /**
   * Per-attempt timeout; needed to escape the `hang` fault. Sets throwOnRequestTimeout because this SDK
   * version only logs a warning on requestTimeout by default and keeps waiting.
   */
  requestTimeoutMs?: number;
}

type Target = Pick<Emulator, 'endpoint' | 'region'>;

function sharedConfig(emulator: Target, opts: ClientOptions) {
  return {
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: FAKE_CREDENTIALS,
    maxAttempts: opts.maxAttempts ?? 3,
    ...(opts.requestTimeoutMs === undefined ? {} : { requestHandler: { requestTimeout: opts.requestTimeoutMs, throwOnRequestTimeout: true } }),
  };
}

export function cloudWatchLogsClientFor(emulator: Target, opts: ClientOptions = {}): CloudWatchLogsClient {
  const config: CloudWatchLogsClientConfig = sharedConfig(emulator, opts);
  return new CloudWatchLogsClient(config);
}

export function ssmClientFor(emulator: Target, opts: ClientOptions = {}): SSMClient {
  const config: SSMClientConfig = sharedConfig(emulator, opts);
  return new SSMClient(config);
}

/**
 * Environment for running the Lambda handler unmodified against the emulators: the SDK (v3.1169)
 * reads AWS_ENDPOINT_URL_<SERVICE ID> (service id upper-cased, spaces to underscores) when a client
 * has no explicit endpoint. See tests/emulator/endpoint-env.test.ts for the proof and caveats.
 */
export function awsEnvFor(emulator: Target, extra: { dynamodbEndpoint?: string } = {}): Record<string, string> {
  return {
    AWS_REGION: emulator.region,
    AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: emulator.endpoint,
    AWS_ENDPOINT_URL_SSM: emulator.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: emulator.endpoint,
    ...(extra.dynamodbEndpoint ? { AWS_ENDPOINT_URL_DYNAMODB: extra.dynamodbEndpoint } : {}),
  };
}
