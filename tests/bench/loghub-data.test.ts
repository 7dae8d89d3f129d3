/**
 * The fingerprint benchmark's ground truth: every labelled Loghub line in loghub-dev2/, -dev3/ and -test/ must
 * match the Loghub template of its EventId (templates/<System>.tsv), so a transcription slip or a later stray
 * edit cannot quietly change the accuracy the README reports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DATA = join(__dirname, '..', '..', 'bench', 'fingerprint', 'data');

/** Loghub's `<*>` (and, in a few Mac templates, `<NUM>`) stand for any text; runs of spaces may differ. */
function templateRegex(template: string): RegExp {
  const parts = template.trim().split(/<\*>|<NUM>/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'));
  return new RegExp(`^\\s*${parts.join('.*?')}\\s*$`, 's');
}

describe.each(['loghub-dev2', 'loghub-dev3', 'loghub-dev4', 'loghub-test'])('%s', (dir) => {
  const files = readdirSync(join(DATA, dir)).filter((f) => f.endsWith('.txt'));

  it('covers the 16 Loghub systems', () => {
    expect(files).toHaveLength(16);
  });

  it.each(files)('%s: every line matches its EventId\'s template', (file) => {
    const templates = new Map(
      readFileSync(join(DATA, 'templates', file.replace(/\.txt$/, '.tsv')), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('\t')), templateRegex(l.slice(l.indexOf('\t') + 1))] as const),
    );
    const lines = readFileSync(join(DATA, dir, file), 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBe(dir === 'loghub-dev2' ? 120 : 150);
    const wrong = lines.filter((l) => {
      const re = templates.get(l.slice(0, l.indexOf(' ')));
      return !re || !re.test(l.slice(l.indexOf(' ') + 1));
    });
    expect(wrong).toEqual([]);
  });
});
