import { PassThrough, Writable } from 'node:stream';
import { fingerprintCommand } from '../../../src/cli/fingerprint';
import { UsageError } from '../../../src/cli/args';
import { fingerprint } from '../../../src/dedup/fingerprint';

async function run(args: string[], input: string, out: NodeJS.WritableStream = new PassThrough()) {
  const stdin = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = fingerprintCommand(args, stdin, out);
  stdin.end(input);
  const code = await done;
  return { code, text: Buffer.concat(chunks).toString('utf8') };
}

describe('cli fingerprint', () => {
  it('prints one fingerprint per input line, in order', async () => {
    const { code, text } = await run([], 'Task timed out after 3.00 seconds\nConnection refused\r\nuser 42 logged in\n');
    expect(code).toBe(0);
    expect(text).toBe('Task timed out after <*> seconds\nConnection refused\nuser <*> logged in\n');
  });

  it('handles a last line without newline and empty lines', async () => {
    const { text } = await run([], '\nport 8080');
    expect(text).toBe('\nport <*>\n');
  });

  it('unescapes \\n with --escaped so multi-line events fit on a line', async () => {
    const tb = 'Traceback (most recent call last):\\n  File "a.py", line 1, in <module>\\nKeyError: \'x\'';
    const { text } = await run(['--escaped'], tb + '\n');
    expect(text).toBe("KeyError: '<*>'\n");
  });

  it('streams a large input through a slow reader without losing order', async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => `job ${i} ${i % 2 ? 'failed' : 'done'} on host-${i % 7}`);
    let received = '';
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, cb) {
        received += chunk.toString('utf8');
        setImmediate(cb);
      },
    });
    const stdin = new PassThrough();
    const done = fingerprintCommand([], stdin, slow);
    stdin.end(lines.join('\n') + '\n');
    expect(await done).toBe(0);
    expect(received.split('\n').slice(0, -1)).toEqual(lines.map(fingerprint));
  });

  it('rejects unknown options', async () => {
    await expect(run(['--bogus'], '')).rejects.toBeInstanceOf(UsageError);
    await expect(run(['extra'], '')).rejects.toBeInstanceOf(UsageError);
  });
});
