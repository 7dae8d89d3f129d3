import { literalPrefix, logGroupMatcher } from '../../../src/config';

describe('logGroupMatcher', () => {
  const cases: [pattern: string, name: string, matches: boolean][] = [
    ['/aws/lambda/orders-api', '/aws/lambda/orders-api', true],
    ['/aws/lambda/orders-api', '/aws/lambda/orders-api-v2', false],
    ['/aws/lambda/orders-api', '/aws/lambda/orders', false],
    // Exact names are literal: `.` is just a dot.
    ['/aws/lambda/a.b', '/aws/lambda/aXb', false],
    ['/aws/lambda/*', '/aws/lambda/orders-api', true],
    ['/aws/lambda/*', '/aws/lambda/', true],
    ['/aws/lambda/*', '/aws/lambdax/orders', false],
    ['/aws/lambda/*', '/aws/ecs/orders', false],
    // `*` crosses `/`, so one prefix covers nested names.
    ['/aws/*', '/aws/lambda/orders-api', true],
    ['/aws/lambda/*-prod', '/aws/lambda/orders-prod', true],
    ['/aws/lambda/*-prod', '/aws/lambda/orders-prod-canary', false],
    ['/aws/lambda/orders-*-handler', '/aws/lambda/orders-eu/west-handler', true],
    ['API-Gateway-Execution-Logs_*/prod', 'API-Gateway-Execution-Logs_a1b2c3d4e5/prod', true],
    ['API-Gateway-Execution-Logs_*/prod', 'API-Gateway-Execution-Logs_a1b2c3d4e5/staging', false],
    ['/aws/lambda/svc-?', '/aws/lambda/svc-a', true],
    ['/aws/lambda/svc-?', '/aws/lambda/svc-ab', false],
    ['/aws/lambda/svc-?', '/aws/lambda/svc-', false],
    ['/aws/lambda/svc-[ab]', '/aws/lambda/svc-b', true],
    ['/aws/lambda/svc-[ab]', '/aws/lambda/svc-c', false],
    ['/aws/lambda/svc-[a-c]', '/aws/lambda/svc-c', true],
    ['/aws/lambda/svc-[!a]', '/aws/lambda/svc-a', false],
    ['/aws/lambda/svc-[!a]', '/aws/lambda/svc-b', true],
    ['/aws/lambda/svc-[^a]', '/aws/lambda/svc-b', true],
    ['*', '/aws/anything', true],
  ];
  it.each(cases)('%s vs %s → %s', (pattern, name, expected) => {
    expect(logGroupMatcher(pattern)(name)).toBe(expected);
  });
});

describe('literalPrefix', () => {
  it.each([
    ['/aws/lambda/orders-api', '/aws/lambda/orders-api'],
    ['/aws/lambda/*', '/aws/lambda/'],
    ['/aws/lambda/orders-*-prod', '/aws/lambda/orders-'],
    ['/aws/lambda/svc-?', '/aws/lambda/svc-'],
    ['/aws/lambda/svc-[ab]*', '/aws/lambda/svc-'],
    ['API-Gateway-Execution-Logs_*', 'API-Gateway-Execution-Logs_'],
    ['*', ''],
  ])('%s → %s', (pattern, prefix) => {
    expect(literalPrefix(pattern)).toBe(prefix);
  });

  it('is always a prefix of every name the pattern matches', () => {
    const pattern = '/aws/lambda/svc-[ab]?-*';
    const name = '/aws/lambda/svc-bx-prod';
    expect(logGroupMatcher(pattern)(name)).toBe(true);
    expect(name.startsWith(literalPrefix(pattern))).toBe(true);
  });
});
