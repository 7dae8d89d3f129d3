import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSource, logGroupForFile } from '../../../src/sources';

describe('FileSource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cwla-files-'));
  const orders = join(dir, '%2Faws%2Flambda%2Forders.log');
  writeFileSync(orders, '2024-05-01T12:00:00.000Z\tabc\tERROR\tboom\n\nno timestamp here\n');

  it('names the log group after the URL-decoded file name', () => {
    expect(logGroupForFile(orders)).toBe('/aws/lambda/orders');
    expect(logGroupForFile('/tmp/app.log')).toBe('app');
  });

  it('resolves log group patterns against the files given', async () => {
    const source = new FileSource([orders, join(dir, 'other.log')]);
    expect(await source.resolveLogGroups(['/aws/lambda/*'])).toEqual(['/aws/lambda/orders']);
  });

  it('yields one event per non-empty line, timed by its leading ISO timestamp', async () => {
    const source = new FileSource([orders]);
    const events = [];
    for await (const page of source.readEvents('/aws/lambda/orders')) events.push(...page);
    expect(events.map((e) => e.message)).toEqual(['2024-05-01T12:00:00.000Z\tabc\tERROR\tboom', 'no timestamp here']);
    expect(events[0]?.timestamp).toBe(Date.parse('2024-05-01T12:00:00.000Z'));
    expect(events[1]?.eventId).not.toBe(events[0]?.eventId);
  });
});
