import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

/**
 * WCAG AA for the timeline's decision colours: each is text (badges, row outcomes, banners), so
 * each needs 4.5:1 against every background it is drawn on in VS Code's default themes, including
 * the tint a denied or pending row puts under it.
 */

const CSS = readFileSync(new URL('../src/styles/base.css', import.meta.url), 'utf8');

/** VS Code's default editor and side bar backgrounds per theme kind (Light+/Light Modern, Dark+/Dark Modern, the high-contrast pair). */
const BACKGROUNDS: Readonly<Record<string, readonly string[]>> = {
  light: ['#ffffff', '#f3f3f3', '#f8f8f8'],
  dark: ['#1e1e1e', '#252526', '#1f1f1f', '#181818'],
  'high-contrast': ['#000000'],
  'high-contrast-light': ['#ffffff'],
};
/** The strongest tint a row puts under its outcome colour (CallRow: pending 14%). */
const ROW_TINT = 0.14;
const STATUSES = [
  'allowed',
  'approved',
  'denied',
  'pending',
  'expired',
  'refused',
  'unknown',
  'failed',
  'masked',
];

type Rgb = readonly [number, number, number];

function rgb(hex: string): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  assert.ok(m, `${hex} is a #rrggbb colour`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

function luminance([r, g, b]: Rgb): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function mix(fg: Rgb, bg: Rgb, p: number): Rgb {
  return [0, 1, 2].map((i) => Math.round(fg[i]! * p + bg[i]! * (1 - p))) as unknown as Rgb;
}

/** The `--al-<status>` values of the rule whose selector list names `.theme-<kind>`. */
function palette(kind: string): Map<string, string> {
  const block = new RegExp(`(?:^|[\\s,])\\.theme-${kind}\\s*(?:,[^{]*)?\\{([^}]*)\\}`, 'm').exec(CSS);
  assert.ok(block, `base.css has a palette for .theme-${kind}`);
  const out = new Map<string, string>();
  for (const m of block[1]!.matchAll(/--al-([a-z]+):\s*([^;]+);/g)) out.set(m[1]!, m[2]!.trim());
  return out;
}

void test('the contrast formula matches WCAG reference values', () => {
  assert.equal(contrast(rgb('#000000'), rgb('#ffffff')).toFixed(1), '21.0');
  assert.equal(contrast(rgb('#777777'), rgb('#ffffff')).toFixed(2), '4.48');
  // The measurements of the old colours on a light background.
  assert.ok(contrast(rgb('#73c991'), rgb('#ffffff')) < 2.5);
  assert.ok(contrast(rgb('#bf8803'), rgb('#ffffff')) < 3.5);
});

for (const [kind, backgrounds] of Object.entries(BACKGROUNDS)) {
  void test(`decision colours keep 4.5:1 in the ${kind} theme`, () => {
    const colours = palette(kind);
    const failures: string[] = [];
    for (const status of STATUSES) {
      const value = colours.get(status);
      assert.ok(value, `.theme-${kind} sets --al-${status}`);
      const fg = rgb(value);
      for (const bg of backgrounds.map(rgb))
        for (const under of [bg, mix(fg, bg, ROW_TINT)]) {
          const ratio = contrast(fg, under);
          if (ratio < 4.5)
            failures.push(`${status} ${value} on rgb(${under.join(',')}): ${ratio.toFixed(2)}:1`);
        }
    }
    assert.deepEqual(failures, []);
  });
}

void test('components colour decision text with the palette, not VS Code icon colours', () => {
  const components = [
    'CallRow',
    'OutcomeBadge',
    'BundleBanner',
    'DetailPane',
    'ApprovalDetail',
    'PendingStrip',
    'TaskList',
  ];
  for (const name of components) {
    const source = readFileSync(new URL(`../src/components/${name}.svelte`, import.meta.url), 'utf8');
    for (const m of source.matchAll(
      /(?<![-\w])color:\s*var\(--vscode-(testing-icon\w+|editorWarning-foreground|charts-\w+)/g,
    ))
      assert.fail(`${name}.svelte colours text with --vscode-${m[1]}, which is not AA on every theme`);
  }
});
