// The dashboard's HTML template helper: everything interpolated is escaped unless it is markup
// our own code built; JSON data blocks cannot close their script element.
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, jsonBlock, raw } from '../../src/admin/html.js';

describe('html template helper', () => {
  it('escapes every interpolated value by default', () => {
    const citizen = `<img src=x onerror="alert(1)">'&\``;
    expect(html`<p title="${citizen}">${citizen}</p>`.value).toBe(
      '<p title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;&#96;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;&#96;</p>',
    );
  });

  it('escapes inside arrays and leaves nested templates and raw markup alone', () => {
    const items = ['<b>', 'ok'];
    expect(html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`.value).toBe('<ul><li>&lt;b&gt;</li><li>ok</li></ul>');
    expect(html`${raw('<br>')}${['<i>']}`.value).toBe('<br>&lt;i&gt;');
  });

  it('renders nothing for null, undefined and false, and numbers as text', () => {
    expect(html`${null}${undefined}${false}${0}${1.5}`.value).toBe('01.5');
  });

  it('escapes the characters that matter in text and attributes', () => {
    expect(escapeHtml(`&<>"'\``)).toBe('&amp;&lt;&gt;&quot;&#39;&#96;');
  });

  it('keeps JSON data blocks inert: no </script> can close them, and the data round-trips', () => {
    const data = { q: '</script><script>alert(1)</script>', amp: 'a & b', sep: '\u2028' };
    const block = jsonBlock('d', data).value;
    expect(block.match(/<\/script>/g)).toHaveLength(1);
    expect(block.startsWith('<script type="application/json" id="d">')).toBe(true);
    const inner = block.slice(block.indexOf('>') + 1, block.lastIndexOf('</script>'));
    expect(JSON.parse(inner)).toEqual(data);
  });
});
