// Real-format log lines each pack rule must alert on, and near misses it must not. Formats from the AWS
// docs and real function logs: Lambda runtime lines (START/REPORT/INIT_REPORT), the Node/Python/Java runtimes'
// error output, Lambda's JSON log format (platform.report), API Gateway execution and access logs, SDK errors.

const REQ = '3b5c6e2f-1d2e-4f5a-8b9c-0d1e2f3a4b5c';
const TS = '2024-05-01T12:00:00.000Z';

export interface Samples {
  logGroup: string;
  hits: string[];
  misses: string[];
  /** Run-time variables the scanner would supply for this log group. */
  vars?: Record<string, number>;
  /** Captures (or groupKey) expected on the first hit. */
  firstHit?: { captures?: Record<string, string>; groupKey?: string };
}

const report = (duration: string, billed: number, size: number, used: number, extra = '') =>
  `REPORT RequestId: ${REQ}\tDuration: ${duration} ms\tBilled Duration: ${billed} ms\tMemory Size: ${size} MB\tMax Memory Used: ${used} MB\t${extra}`;
const platformReport = (status: string, size: number, used: number) =>
  JSON.stringify({
    time: '2024-05-01T12:00:03.005Z',
    type: 'platform.report',
    record: { requestId: REQ, metrics: { durationMs: 2950.12, billedDurationMs: 2951, memorySizeMB: size, maxMemoryUsedMB: used }, status },
  });

export const PACK_SAMPLES: Record<string, Samples> = {
  'lambda-timeout': {
    logGroup: '/aws/lambda/orders-api',
    hits: [`2024-05-01T12:00:03.005Z ${REQ} Task timed out after 3.00 seconds`, platformReport('timeout', 128, 64)],
    misses: [`${TS}\t${REQ}\tWARN\tHTTP request timed out after 3.00 seconds, retrying`, platformReport('success', 128, 64)],
    firstHit: { captures: { seconds: '3.00' } },
  },
  'lambda-out-of-memory': {
    logGroup: '/aws/lambda/orders-api',
    hits: [
      `RequestId: ${REQ} Error: Runtime exited with error: signal: killed`,
      report('2950.12', 2951, 128, 128, 'Status: error\tError Type: Runtime.OutOfMemory'),
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    ],
    misses: [report('2.25', 3, 128, 67), `RequestId: ${REQ} Error: Runtime exited with error: exit status 1`],
  },
  'lambda-init-error': {
    logGroup: '/aws/lambda/orders-api',
    hits: [
      `${TS}\tundefined\tERROR\tUncaught Exception \t{"errorType":"Runtime.ImportModuleError","errorMessage":"Error: Cannot find module 'index'\\nRequire stack:\\n- /var/runtime/index.mjs","stack":["Runtime.ImportModuleError: Error: Cannot find module 'index'"]}`,
      `${TS}\tundefined\tERROR\tUncaught Exception \t{"errorType":"Runtime.HandlerNotFound","errorMessage":"index.handler is undefined or not exported","stack":["Runtime.HandlerNotFound: index.handler is undefined or not exported"]}`,
      "[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'requests'",
      'INIT_REPORT Init Duration: 150.79 ms\tPhase: init\tStatus: error\tError Type: Runtime.UserCodeSyntaxError',
      'INIT_REPORT Init Duration: 9999.79 ms\tPhase: init\tStatus: timeout',
      'INIT_REPORT Init Duration: 4.87 ms\tPhase: invoke\tStatus: error\tError Type: Runtime.ExitError',
    ],
    misses: [
      'INIT_START Runtime Version: nodejs:20.v22\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:0cdcfbdefbc5e7d3343f73c2e2dd3cba17d61dea0686b404502a0c9ce83931b9',
      'INIT_REPORT Init Duration: 412.55 ms\tPhase: init\tStatus: success',
    ],
    firstHit: { captures: { errorType: 'ImportModuleError' } },
  },
  'lambda-node-invoke-error': {
    logGroup: '/aws/lambda/orders-api',
    hits: [
      `${TS}\t${REQ}\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"Order 42 not found","stack":["Error: Order 42 not found","    at Runtime.handler (file:///var/task/index.mjs:5:9)"]}`,
    ],
    misses: [
      // console.error from application code is not a failed invocation.
      `${TS}\t${REQ}\tERROR\tfailed to refresh cache, serving stale data`,
      // Excluded: a one-off reset of a kept-alive socket to an AWS endpoint.
      `${TS}\t${REQ}\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"read ECONNRESET","code":"ECONNRESET","errno":-104,"syscall":"read","stack":["Error: read ECONNRESET","    at TLSWrap.onStreamRead (node:internal/stream_base_commons:218:20)"]}`,
    ],
  },
  'lambda-node-crash': {
    logGroup: '/aws/lambda/orders-api',
    hits: [
      `${TS}\t${REQ}\tERROR\tUnhandled Promise Rejection \t{"errorType":"Runtime.UnhandledPromiseRejection","errorMessage":"Error: boom","reason":{"errorType":"Error","errorMessage":"boom"},"promise":{},"stack":["Runtime.UnhandledPromiseRejection: Error: boom"]}`,
      `${TS}\t${REQ}\tERROR\tUncaught Exception \t{"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading 'id')","stack":["TypeError: Cannot read properties of undefined (reading 'id')"]}`,
      // Lambda JSON log format: the record is an object, the runtime's error type still names it.
      `{"timestamp":"${TS}","level":"ERROR","requestId":"${REQ}","message":{"errorType":"Runtime.UnhandledPromiseRejection","errorMessage":"Error: boom","stackTrace":["Runtime.UnhandledPromiseRejection: Error: boom"]}}`,
    ],
    misses: [
      `${TS}\t${REQ}\tWARN\t(node:8) PromiseRejectionHandledWarning: Promise rejection was handled asynchronously (rejection id: 1)`,
      // Excluded: init failures belong to lambda-init-error.
      `${TS}\tundefined\tERROR\tUncaught Exception \t{"errorType":"Runtime.ImportModuleError","errorMessage":"Error: Cannot find module 'index'"}`,
    ],
  },
  'lambda-python-error': {
    logGroup: '/aws/lambda/billing-worker',
    hits: [
      `[ERROR] KeyError: 'order_id'\nTraceback (most recent call last):\n  File "/var/task/app.py", line 12, in handler\n    order = event['order_id']`,
      `[ERROR]\t2024-05-01T12:00:00.123Z\t${REQ}\tFailed to process record 17`,
      `[CRITICAL]\t2024-05-01T12:00:00.123Z\t${REQ}\tledger out of balance`,
    ],
    misses: [
      `[WARNING]\t2024-05-01T12:00:00.123Z\t${REQ}\tRetrying after [ERROR] from upstream`,
      "[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'requests'",
    ],
    firstHit: { captures: { exception: 'KeyError' } },
  },
  'lambda-java-exception': {
    logGroup: '/aws/lambda/invoice-java',
    hits: [
      // LambdaLogger / the log4j2 Lambda appender keep a trace in one event.
      `2024-05-01 12:00:00 ${REQ} ERROR OrderHandler:42 - Request failed\njava.lang.IllegalStateException: Order 42 has no items\n\tat com.example.orders.OrderHandler.handleRequest(OrderHandler.java:42)\n\tat com.example.orders.OrderHandler.handleRequest(OrderHandler.java:17)`,
      'Exception in thread "main" java.lang.Error: java.lang.ClassNotFoundException: com.example.Handler',
      // The Java runtime's error document for an unhandled exception.
      '{"errorMessage":"/ by zero","errorType":"java.lang.ArithmeticException","stackTrace":["example.HandlerDivide.handleRequest(HandlerDivide.java:28)","example.HandlerDivide.handleRequest(HandlerDivide.java:13)"]}',
      'software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException: Requested resource not found (Service: DynamoDb, Status Code: 400, Request ID: 8KRS15P5JUD29RHDVEK26MAU1VVV4KQNSO5AEMVJF66Q9ASUAAJG)\n\tat software.amazon.awssdk.core.internal.http.CombinedResponseHandler.handleErrorResponse(CombinedResponseHandler.java:125)',
    ],
    misses: [
      // System.out splits a trace into one event per line: a line that only names a class is not enough.
      'java.lang.IllegalStateException: Order 42 has no items',
      '\tat com.example.orders.OrderHandler.handleRequest(OrderHandler.java:42)',
      `2024-05-01 12:00:00 ${REQ} INFO OrderHandler:30 - Retrying after java.net.SocketTimeoutException`,
      `${TS}\tundefined\tERROR\tUncaught Exception \t{"errorType":"Runtime.ImportModuleError","errorMessage":"Error: Cannot find module 'index'"}`,
      // Excluded: lambda-out-of-memory covers it.
      'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)',
    ],
    firstHit: { captures: { exception: 'java.lang.IllegalStateException' } },
  },
  'lambda-structured-error': {
    logGroup: '/aws/lambda/checkout',
    hits: [
      // Lambda's own JSON log format (advanced logging controls)
      `{"timestamp":"2024-05-01T12:00:00Z","level":"ERROR","message":"payment failed","requestId":"${REQ}"}`,
      // Powertools for AWS Lambda, with the trace id the alert links to
      `{"level":"ERROR","message":"Payment provider returned 503","service":"checkout","timestamp":"2024-05-01T12:00:00.000Z","xray_trace_id":"1-6650a1b2-0f3c5a7e9d1b2c4e6f8a0b1c"}\n`,
      `{"level": "CRITICAL", "message": "ledger out of balance"}`,
      `{"level":"fatal","message":"cannot start"}`,
    ],
    misses: [
      `{"level":"WARN","message":"retrying after ERROR from upstream"}`,
      `{"level":"INFO","message":"previous attempt logged \\"level\\":\\"ERROR\\""}`,
      `{"level":"INFO","detail":{"level":"ERROR"}}`,
      // Not a JSON line (console.log of JSON in the text format): fields need the whole line to be JSON.
      `${TS}\t${REQ}\tINFO\t{"level":"ERROR","message":"x"}`,
    ],
  },
  'lambda-memory-pressure': {
    logGroup: '/aws/lambda/orders-api',
    hits: [report('2950.12', 2951, 128, 120), report('102.36', 103, 512, 410, 'Init Duration: 250.11 ms\t')],
    misses: [
      report('2.25', 3, 128, 67),
      report('102.36', 103, 512, 409),
      // Killed at the limit: lambda-out-of-memory's, with or without the newer Status/Error Type fields.
      report('2950.12', 2951, 128, 128, 'Status: error\tError Type: Runtime.OutOfMemory'),
      report('1899.12', 1900, 512, 512),
    ],
    firstHit: { captures: { memorySize: '128', maxMemoryUsed: '120' } },
  },
  'lambda-memory-pressure-json': {
    logGroup: '/aws/lambda/orders-api',
    hits: [platformReport('success', 128, 120)],
    misses: [
      platformReport('success', 128, 67),
      platformReport('error', 128, 128),
      `{"time":"${TS}","type":"platform.start","record":{"requestId":"${REQ}","version":"$LATEST"}}`,
      report('2950.12', 2951, 128, 120),
    ],
  },
  'lambda-duration-near-timeout': {
    logGroup: '/aws/lambda/orders-api',
    vars: { timeoutMs: 3000, memorySizeMb: 128 },
    hits: [report('2950.12', 2951, 128, 67), report('2400.00', 2400, 128, 67)],
    misses: [
      report('2399.99', 2400, 128, 67),
      // Excluded: lambda-timeout alerts on a timeout.
      report('3000.00', 3000, 128, 64, 'Status: timeout'),
      `START RequestId: ${REQ} Version: $LATEST`,
    ],
    firstHit: { captures: { duration: '2950.12' } },
  },
  'apigw-execution-5xx': {
    logGroup: 'API-Gateway-Execution-Logs_a1b2c3d4e5/prod',
    hits: ['(0b7c9f2e-5d1a-4c3b-9e8f-7a6b5c4d3e2f) Method completed with status: 502'],
    misses: [
      '(0b7c9f2e-5d1a-4c3b-9e8f-7a6b5c4d3e2f) Method completed with status: 429',
      '(0b7c9f2e-5d1a-4c3b-9e8f-7a6b5c4d3e2f) Execution failed due to configuration error: Malformed Lambda proxy response',
    ],
    firstHit: { captures: { status: '502' }, groupKey: 'status=502' },
  },
  'apigw-access-5xx': {
    logGroup: '/aws/apigateway/orders-api-access',
    hits: [
      // The JSON and CLF formats the API Gateway console offers.
      '{ "requestId":"c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "ip": "203.0.113.7", "caller":"-", "user":"-", "requestTime":"01/May/2024:12:00:00 +0000", "httpMethod":"POST", "resourcePath":"/orders", "status":"502", "protocol":"HTTP/1.1", "responseLength":"36" }',
      '203.0.113.7 - - [01/May/2024:12:00:00 +0000] "POST /orders HTTP/1.1" 503 36 c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    ],
    misses: [
      '{ "requestId":"c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "ip": "203.0.113.7", "httpMethod":"GET", "resourcePath":"/orders/500", "status":"404", "protocol":"HTTP/1.1", "responseLength":"502" }',
      '203.0.113.7 - - [01/May/2024:12:00:00 +0000] "GET /orders/503 HTTP/1.1" 200 512 c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    ],
    firstHit: { captures: { status: '502' }, groupKey: 'status=502' },
  },
  'dynamodb-throttling': {
    logGroup: '/aws/lambda/orders-api',
    hits: [
      `[ERROR] ProvisionedThroughputExceededException: An error occurred (ProvisionedThroughputExceededException) when calling the PutItem operation (reached max retries: 9): The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.\nTraceback (most recent call last):\n  File "/var/task/app.py", line 20, in handler`,
      `${TS}\t${REQ}\tERROR\tInvoke Error \t{"errorType":"ThrottlingException","errorMessage":"Rate of requests exceeds the allowed throughput.","name":"ThrottlingException","$fault":"client","$metadata":{"httpStatusCode":400,"requestId":"8KRS15P5JUD29RHDVEK26MAU1VVV4KQNSO5AEMVJF66Q9ASUAAJG","attempts":3,"totalRetryDelay":221}}`,
      '[ERROR] ClientError: An error occurred (RequestLimitExceeded) when calling the Query operation: Throughput exceeds the current throughput limit for your account. Please contact AWS Support at https://aws.amazon.com/support request a limit increase',
      'software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException: The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API. (Service: DynamoDb, Status Code: 400, Request ID: 8KRS15P5JUD29RHDVEK26MAU1VVV4KQNSO5AEMVJF66Q9ASUAAJG)',
    ],
    misses: [
      // Other services throttle too: STS and SSM are not DynamoDB.
      '[ERROR] ClientError: An error occurred (ThrottlingException) when calling the AssumeRole operation: Rate exceeded',
      `${TS}\t${REQ}\tERROR\tInvoke Error \t{"errorType":"ThrottlingException","errorMessage":"Rate exceeded","name":"ThrottlingException","$fault":"client"}`,
      `${TS}\t${REQ}\tINFO\tPutItem succeeded after 2 retries`,
    ],
    firstHit: { captures: { errorCode: 'ProvisionedThroughputExceededException' }, groupKey: 'errorCode=ProvisionedThroughputExceededException' },
  },
};
