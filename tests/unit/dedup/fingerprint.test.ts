import { fingerprint } from '../../../src/dedup/fingerprint';

const REQ = '4a9f3c2e-7b1d-4e8a-9c3f-2d1e0b9a8f76';
const REQ2 = 'c0ffee00-1234-4abc-8def-0123456789ab';

describe('fingerprint: lines of one template share a fingerprint', () => {
  const pairs: [string, string][] = [
    ['Task timed out after 3.00 seconds', 'Task timed out after 900.10 seconds'],
    ['Received block blk_-1608999687919862906 of size 91178 from /10.250.10.6', 'Received block blk_7503483334202473044 of size 67108864 from /10.251.71.16'],
    ['GET /users/123/orders/abc123 failed', 'GET /users/9/orders/ffe0 failed'],
    ['Invalid user admin from 173.234.31.186 port 22', 'Invalid user oracle from 2001:db8::ff00:42:8329 port 2222'],
    ['session opened for user root by (uid=0)', 'session opened for user news by (uid=509)'],
    ['synchronized to 10.100.20.250, stratum 3', 'synchronized to ntp1.example.com, stratum 2'],
    ['request 9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a done in 250ms', 'request 0b1c2d3e-4f50-4617-a829-3a4b5c6d7e8f done in 3.5 sec'],
    ['cache hit ratio=0.93 size=12KB', 'cache hit ratio=0.12 size=3 MB'],
    ['sent 5174 bytes (5.05 KB) to peer', 'sent 403 bytes to peer'],
    ['lifetime <1 sec', 'lifetime 02:19'],
    ['reply from alice@example.com queued', 'reply from bob.smith+ci@mail.example.org queued'],
    ['Jun 14 15:16:01 cron started', 'Dec  3 04:05:59 cron started'],
    ['at 2024-05-01T12:00:00.123Z job 42 failed', 'at 2023-12-31 23:59:59,001 job 7 failed'],
    ['trace 1-5759e988-bd862e3fe1be46a994272793 sampled', 'trace 1-6a3b2c1d-0123456789abcdef01234567 sampled'],
    ['core dumped at 0x7fff5fbff8a0', 'core dumped at 0x0'],
    ['worker ip-10-0-12-34 lost heartbeat', 'worker ip-10-0-7-201 lost heartbeat'],
    ['tag="View Lock" released', "tag='wake' released"],
    ['Component "alt0" is unavailable', 'Component \\042SCSI-WWID:0100\\042 is unavailable'],
    ['denied by arn:aws:iam::123456789012:role/app-role', 'denied by arn:aws:iam::210987654321:role/other'],
    ['throttled in eu-west-1', 'throttled in ap-southeast-2'],
    ['stack @0x7fed806eb5d @0x7fef9fb9b6d @0xff83db2f', 'stack @0x7fed806eb5d'],
    ['cannot open /var/task/config/prod.json', 'cannot open /tmp/cache/x-1.bin'],
    ['Loaded C:\\Windows\\system32\\a.dll', 'Loaded D:\\apps\\b.dll'],
    ['connection from 82.83.227.67 (dsl-082.arcor-ip.net) at Sun Jul 10 07:24:34 2005', 'connection from 220.94.205.45 () at Sun Jul 10 13:17:22 2005'],
    ['My unqualified host name (eadmin1) unknown', 'My unqualified host name (aadmin2) unknown'],
    ['lost heartbeat from node-17', 'lost heartbeat from mesos-slave-07'],
    ['authentication failure; ruser= rhost=1.2.3.4', 'authentication failure; ruser=bob rhost=1.2.3.4'],
    ['Invalid user  from 185.190.58.151', 'Invalid user admin from 173.234.31.186'],
    ['package: Pkg_for_KB3030377~31bf3856ad364e35~amd64~~6.1.1.2, State: 112', 'package: Microsoft-RDP-Package~31bf3856ad364e35~amd64~~7.1.7601.16398, State: 0'],
    ['bx.optimix.asia:443 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS', 'clients6.google.com:443 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS'],
    ['i2.itc.cn:80 close, 450 bytes sent', 'block.dropbox.com:443 close, 1190 bytes sent'],
    ['Failed password for root from 5.36.59.76 port 42393 ssh2', 'Failed password for uucp from 103.99.0.122 port 51144 ssh2'],
    ['Accepted publickey for deploy from 10.0.0.5 port 22 ssh2', 'Accepted publickey for ci-runner from 10.0.0.9 port 22 ssh2'],
    // A reverse lookup in parentheses belongs to the address before it, whatever its TLD.
    ['connection from 81.171.220.226 (aml-sfh-3310.adsl.wanadoo.nl) at Sat Jul 9', 'connection from 67.95.49.172 at Sat Jul 9'],
    // A list of names of one stem is a list of values, however long.
    ['failed to resolve data source name an14 an15 an16 an17', 'failed to resolve data source name bn1 bn2 bn3'],
    // A name and a number keep the stem whatever the number's length.
    ['NFS Mount failed on bglio46, retrying', 'NFS Mount failed on bglio559, retrying'],
  ];
  it.each(pairs)('%s ~ %s', (a, b) => {
    expect(fingerprint(a)).toBe(fingerprint(b));
  });
});

describe('fingerprint: lines of different templates stay apart', () => {
  const pairs: [string, string][] = [
    ['Connection refused', 'Connection reset'],
    ['dial tcp 10.0.0.1:5432: connect: connection refused', 'read tcp 10.0.0.1:5432: read: connection reset by peer'],
    ['AirPort: Link Up on en0', 'AirPort: Link Up on awdl0'],
    ['java.lang.NullPointerException: boom', 'java.io.IOException: boom'],
    ['GET /users/1 HTTP/1.1', 'GET /orders/1 HTTP/1.1'],
    ['"GET /users/1 HTTP/1.1" 500', '"POST /users/1 HTTP/1.1" 500'],
    ['Failed to open file 12', 'Failed to close file 12'],
    ['An error occurred (ConditionalCheckFailedException) when calling PutItem', 'An error occurred (ThrottlingException) when calling PutItem'],
    ['Error: Timeout', 'Error: Forbidden'],
    ['mapred.job.id is deprecated. Instead, use mapreduce.job.id', 'mapred.task.id is deprecated. Instead, use mapreduce.task.id'],
    ['Added filter X to context mapreduce', 'Added filter X to context static'],
    ['cannot open /var/task/config.json', 'cannot delete /var/task/config.json'],
    ['open failed (ENOENT)', 'open failed (EACCES)'],
    ['com.amazonaws.services.dynamodbv2.model.ConditionalCheckFailedException: x', 'com.amazonaws.services.dynamodbv2.model.ResourceNotFoundException: x'],
    // name.ext:line is a code location, not host:port.
    ['NullPointerException at OrderHandler.java:42', 'NullPointerException at PaymentClient.java:42'],
    ['unhandled rejection in index.js:12', 'unhandled rejection in worker.js:12'],
    // `for invalid user` is the invalid-user event, not a user named "invalid".
    ['Failed password for invalid user admin from 1.2.3.4 port 22 ssh2', 'Failed password for root from 1.2.3.4 port 22 ssh2'],
    // An annotation that is a word, not a value, still tells events apart.
    ['open /tmp/a failed (ENOENT)', 'open /tmp/a failed (EACCES)'],
    ['mount failed on bglio46', 'mount failed on sdb46'],
  ];
  it.each(pairs)('%s ≠ %s', (a, b) => {
    expect(fingerprint(a)).not.toBe(fingerprint(b));
  });
});

describe('fingerprint: readable templates', () => {
  it.each([
    ['Task timed out after 3.00 seconds', 'Task timed out after <*> seconds'],
    ['GET /users/123/orders/abc123', 'GET /users/<*>/orders/<*>'],
    ['PacketResponder 1 for block blk_-6952295868487656571 terminating', 'PacketResponder <*> for block <*> terminating'],
    ['Receiving block blk_5792 src: /10.251.30.6:33145 dest: /10.251.30.6:50010', 'Receiving block <*> src: /<*> dest: /<*>'],
    ['authentication failure; logname= uid=0 euid=0 tty=ssh rhost=218.188.2.4  user=root', 'authentication failure; logname=<*> uid=<*> euid=<*> tty=<*> rhost=<*> user=<*>'],
    ['10.11.10.1 "GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail?limit=5 HTTP/1.1" status: 200 len: 1893 time: 0.2477829', '<*> "GET /v2/<*>/servers/detail?<*> HTTP/<*>" status: <*> len: <*> time: <*>'],
    ['{"level":"info","msg":"cache warm","count":3}', 'cache warm'],
    ['', ''],
  ])('%s → %s', (input, expected) => {
    expect(fingerprint(input)).toBe(expected);
  });
});

describe('fingerprint: Lambda lines and multi-line events', () => {
  it('strips the Lambda timestamp / request id / level prefix', () => {
    expect(fingerprint(`2024-05-01T12:00:00.000Z\t${REQ}\tERROR\tOrder 42 not found`)).toBe('Order <*> not found');
    expect(fingerprint(`[ERROR]\t2024-05-01T12:00:00.000Z\t${REQ}\tOrder 7 not found`)).toBe('Order <*> not found');
    expect(fingerprint(`2024-05-01T12:00:03.000Z ${REQ} Task timed out after 3.00 seconds`)).toBe('Task timed out after <*> seconds');
  });

  it('uses errorType and the templated errorMessage of a Node Invoke Error payload', () => {
    const payload = (id: string, key: string) =>
      `2024-05-01T12:00:00.000Z\t${id}\tERROR\tInvoke Error \t` +
      JSON.stringify({
        errorType: 'TypeError',
        errorMessage: `Cannot read properties of undefined (reading '${key}')`,
        stack: [`TypeError: Cannot read properties of undefined (reading '${key}')`, '    at Runtime.handler (file:///var/task/index.mjs:12:20)'],
      });
    expect(fingerprint(payload(REQ, 'id'))).toBe("Invoke Error TypeError: Cannot read properties of undefined (reading '<*>')");
    expect(fingerprint(payload(REQ, 'id'))).toBe(fingerprint(payload(REQ2, 'body')));
  });

  it('treats a pretty-printed payload like the one-line form', () => {
    const body = { errorType: 'Error', errorMessage: 'Order 1234 not found', stack: ['Error: Order 1234 not found', '    at x (/var/task/a.js:1:2)'] };
    const oneLine = `2024-05-01T12:00:00.000Z\t${REQ}\tERROR\tInvoke Error \t${JSON.stringify(body)}`;
    const pretty = `2024-05-01T12:00:00.000Z\t${REQ2}\tERROR\tInvoke Error \t${JSON.stringify({ ...body, errorMessage: 'Order 98 not found' }, null, 2)}`;
    expect(fingerprint(pretty)).toBe(fingerprint(oneLine));
    expect(fingerprint(oneLine)).toBe('Invoke Error Error: Order <*> not found');
  });

  it('fingerprints a Python traceback on its last exception line', () => {
    const tb = (key: string, line: number) =>
      `[ERROR] KeyError: '${key}'\nTraceback (most recent call last):\n  File "/var/task/app.py", line ${line}, in lambda_handler\n    order = event['${key}']\nKeyError: '${key}'`;
    expect(fingerprint(tb('order_id', 10))).toBe("KeyError: '<*>'");
    expect(fingerprint(tb('order_id', 10))).toBe(fingerprint(tb('body', 99)));
    const bare = "Traceback (most recent call last):\n  File \"x.py\", line 3, in <module>\nZeroDivisionError: division by zero";
    expect(fingerprint(bare)).toBe('ZeroDivisionError: division by zero');
  });

  it('keeps the logged message and the exception of logger.exception()', () => {
    const ev = (order: number, bad: string) =>
      `[ERROR]\t2024-05-01T12:00:00.000Z\t${REQ}\tUnhandled error processing order ${order}\nTraceback (most recent call last):\n  File "/var/task/app.py", line 40, in handler\nValueError: invalid literal for int() with base 10: '${bad}'`;
    expect(fingerprint(ev(1, 'x'))).toBe("Unhandled error processing order <*> | ValueError: invalid literal for int() with base <*>: '<*>'");
    expect(fingerprint(ev(1, 'x'))).toBe(fingerprint(ev(77, 'abc')));
  });

  it('adds the error type of a Java stack trace to its first line', () => {
    const ev = (order: number, exc: string) =>
      `2024-05-01T12:00:00.000Z ${REQ} ERROR Failed to load order ${order}\n${exc}: boom\n\tat com.example.Handler.handle(Handler.java:${order})`;
    expect(fingerprint(ev(5, 'java.lang.NullPointerException'))).toBe('Failed to load order <*> | java.lang.NullPointerException');
    expect(fingerprint(ev(5, 'java.lang.NullPointerException'))).not.toBe(fingerprint(ev(5, 'java.io.IOException')));
  });

  it('uses the first line of a Node error with its inspected properties', () => {
    const ev = (ip: string, port: number) =>
      `2024-05-01T12:00:00.000Z\t${REQ}\tERROR\tError: connect ECONNREFUSED ${ip}:${port}\n    at TCPConnectWrap.afterConnect (node:net:1555:16) {\n  errno: -111,\n  code: 'ECONNREFUSED'\n}`;
    expect(fingerprint(ev('10.0.0.1', 5432))).toBe('Error: connect ECONNREFUSED <*>');
    expect(fingerprint(ev('10.0.0.1', 5432))).toBe(fingerprint(ev('172.16.3.4', 6379)));
  });

  it('reads type and message fields of structured JSON logs', () => {
    const ev = (ms: number) =>
      JSON.stringify({
        level: 'ERROR',
        message: 'Failed to send notification',
        timestamp: '2024-05-01T12:00:00.000Z',
        error: { name: 'TimeoutError', message: `Request timed out after ${ms}ms`, stack: 'TimeoutError: ...' },
      });
    expect(fingerprint(ev(5000))).toBe('Failed to send notification | TimeoutError: Request timed out after <*>');
    expect(fingerprint(ev(5000))).toBe(fingerprint(ev(12)));
  });

  it('keeps the keys and constant values of a JSON line without a message', () => {
    const ev = (id: string, route: string, status: number) =>
      JSON.stringify({ requestId: id, httpMethod: 'GET', routeKey: route, status: String(status) });
    expect(fingerprint(ev(REQ, 'GET /users/{id}', 502))).toBe(fingerprint(ev(REQ2, 'GET /users/{id}', 500)));
    expect(fingerprint(ev(REQ, 'GET /users/{id}', 502))).not.toBe(fingerprint(ev(REQ, 'GET /orders', 502)));
  });
});

describe('fingerprint: stable, pure and bounded', () => {
  const samples = [
    'Task timed out after 3.00 seconds',
    `REPORT RequestId: ${REQ}\tDuration: 3.00 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB`,
    'ARPT: 621131.293163: wl0: Roamed or switched channel, reason #8, bssid 5c:50:15:4c:18:13, last RSSI -64',
  ];

  it('gives fixed outputs (fingerprints are stored as dedup keys: a change here re-alerts)', () => {
    expect(samples.map(fingerprint)).toEqual([
      'Task timed out after <*> seconds',
      'REPORT RequestId: <*> Duration: <*> Billed Duration: <*> Memory Size: <*> Max Memory Used: <*>',
      'ARPT: <*>: wl<*>: Roamed or switched channel, reason #<*>, bssid <*>, last RSSI <*>',
    ]);
  });

  it('does not depend on earlier calls', () => {
    const first = samples.map(fingerprint);
    const interleaved = [...samples].reverse().map(fingerprint).reverse();
    expect(interleaved).toEqual(first);
  });

  it('stays fast on hostile input (no catastrophic backtracking)', () => {
    const hostile = [
      'a'.repeat(200_000),
      '"'.repeat(50_000) + 'x',
      ':'.repeat(100_000),
      '1.'.repeat(100_000),
      'a_'.repeat(100_000) + '1',
      "'x ".repeat(60_000),
      'key='.repeat(50_000),
      `{${'"a":'.repeat(30_000)}}`,
      '\n'.repeat(50_000) + 'Traceback (most recent call last):\n'.repeat(1_000),
      `http://${'a.'.repeat(50_000)}com/`,
    ];
    const start = Date.now();
    for (const h of hostile) expect(typeof fingerprint(h)).toBe('string');
    expect(Date.now() - start).toBeLessThan(2000);
  });
});
