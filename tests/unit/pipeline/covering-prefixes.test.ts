import { coveringPrefixes } from '../../../src/sources/cloudwatch-source';

describe('coveringPrefixes', () => {
  it('lists a log group namespace once when rules use nested prefixes', () => {
    expect(coveringPrefixes(['/aws/lambda/orders-', '/aws/lambda/', '/aws/lambda/'])).toEqual(['/aws/lambda/']);
  });

  it('keeps unrelated prefixes apart', () => {
    expect(coveringPrefixes(['/aws/lambda/', 'API-Gateway-Execution-Logs_'])).toEqual(['/aws/lambda/', 'API-Gateway-Execution-Logs_']);
  });

  it('falls back to one full listing when a pattern has no literal prefix', () => {
    expect(coveringPrefixes(['/aws/lambda/', ''])).toEqual(['']);
  });
});
