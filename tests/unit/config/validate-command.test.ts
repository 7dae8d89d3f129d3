import path from 'node:path';
import { PassThrough } from 'node:stream';
import { validateCommand } from '../../../src/cli/validate';
import { removeConfig, rule, writeConfig } from './config-fixture';

async function run(args: string[]) {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (c) => (chunks.out += c));
  err.on('data', (c) => (chunks.err += c));
  const code = await validateCommand(args, out, err);
  return { code, ...chunks };
}

describe('validate command', () => {
  it('prints a one-line summary and exits 0 for the shipped config', async () => {
    const { code, out, err } = await run([]);
    expect(err).toBe('');
    expect(out).toMatch(/^\d+ rules in 2 files OK\n$/);
    expect(code).toBe(0);
  });

  it('prints one file:line:col line per problem to stderr and exits 1', async () => {
    const dir = writeConfig({
      'rules/a.yml': `rules:\n${rule('good')}${rule('bad', '    flags: g\n')}`,
      'rules/b.yml': `rules:\n${rule('good')}`,
    });
    try {
      const { code, out, err } = await run(['--config', dir]);
      const rel = (f: string) => path.relative(process.cwd(), path.join(dir, f));
      expect(out).toBe('');
      expect(err.split('\n')).toEqual([
        `${rel('rules/a.yml')}:12:12: rule bad: flags must not contain 'g': a global regex keeps lastIndex between test() calls, so matches on later log lines would be missed`,
        `${rel('rules/b.yml')}:2:9: rule good: duplicate id 'good', first defined at ${rel('rules/a.yml')}:2:9`,
        '',
      ]);
      expect(code).toBe(1);
    } finally {
      removeConfig(dir);
    }
  });

  it('accepts --config=DIR and says "1 rule in 1 file"', async () => {
    const dir = writeConfig({ 'rules/a.yml': `rules:\n${rule('only')}` });
    try {
      expect(await run([`--config=${dir}`])).toEqual({ code: 0, out: '1 rule in 1 file OK\n', err: '' });
    } finally {
      removeConfig(dir);
    }
  });

  it('rejects arguments it does not know, such as a directory without --config', async () => {
    await expect(run(['config'])).rejects.toThrow('validate takes only --config DIR, got config');
    await expect(run(['--format', 'json'])).rejects.toThrow('validate takes only --config DIR, got --format');
  });
});
