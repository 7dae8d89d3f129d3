import { escapeSlack } from '../../../src/alerts';
import { fitText } from '../../../src/alerts/slack/escape';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('escapeSlack', () => {
  it('escapes exactly the three control characters', () => {
    expect(escapeSlack('<!channel> & <@U123> "quoted" \'x\'')).toBe('&lt;!channel&gt; &amp; &lt;@U123&gt; "quoted" \'x\'');
    // Already-escaped text is escaped again: it is data, so it must display as typed.
    expect(escapeSlack('&lt;')).toBe('&amp;lt;');
  });
});

describe('fitText', () => {
  it('keeps short text whole', () => {
    expect(fitText('a < b', { maxLength: 100 })).toEqual({ text: 'a &lt; b', truncated: false, shown: 5, total: 5 });
  });

  it('never cuts an entity in half', () => {
    for (let max = 1; max <= 30; max++) {
      const { text, truncated } = fitText('&'.repeat(50), { maxLength: max });
      expect(truncated).toBe(true);
      expect(text.length).toBeLessThanOrEqual(max);
      expect(text).toMatch(/^(&amp;)*…$/);
    }
  });

  it('never splits a surrogate pair', () => {
    for (let max = 1; max <= 12; max++) {
      const { text } = fitText('😀'.repeat(20), { maxLength: max });
      expect(text.length).toBeLessThanOrEqual(max);
      expect(text).not.toMatch(LONE_SURROGATE);
    }
    const byInput = fitText('😀'.repeat(20), { maxLength: 1000, maxInput: 7 });
    expect(byInput.text).toBe('😀😀😀…');
    expect(byInput.shown).toBe(6);
  });

  it('repairs lone surrogates and drops terminal colour codes', () => {
    expect(fitText('a\uD800b\uDC00c', { maxLength: 100 }).text).toBe('a\uFFFDb\uFFFDc');
    expect(fitText('\u001b[31mERROR\u001b[0m bad\r\n\u0000', { maxLength: 100 }).text).toBe('ERROR bad\n\uFFFD');
  });

  it('breaks backtick runs inside a code block and removes backticks from inline code', () => {
    const block = fitText('a ``` b ```` c `d`', { maxLength: 100, inCodeBlock: true }).text;
    expect(block).not.toContain('``');
    expect(block.replace(/\u200b/g, '')).toBe('a ``` b ```` c `d`');
    expect(fitText('x`y', { maxLength: 10, inInlineCode: true }).text).not.toContain('`');
  });

  it('stops early on a huge line', () => {
    const huge = 'x'.repeat(256 * 1024);
    const started = Date.now();
    const { text, shown, total } = fitText(huge, { maxLength: 3000, maxInput: 1500 });
    expect(Date.now() - started).toBeLessThan(500);
    expect(text).toBe(`${'x'.repeat(1499)}…`);
    expect(shown).toBe(1499);
    expect(total).toBe(256 * 1024);
  });
});
