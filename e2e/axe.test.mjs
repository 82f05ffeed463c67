// Accessibility checked by axe-core (npm, pinned in package.json) in headless Chromium: the app's
// main views, an embed, a book chapter and a page of the Sphinx example. No view may have a
// violation of impact "critical" or "serious"; every view's figures are printed (the test output
// of scripts/test.sh) and written to e2e/artifacts/axe.json.
// axe is injected into every frame (an init script), so a page's embedded frames are checked too.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, baseUrl, useChromium } from './browser.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const axeVersion = require('axe-core/package.json').version;
const figures = [];
const browser = useChromium();

after(() => {
  writeFileSync(join(artifacts, 'axe.json'), JSON.stringify({ axe: axeVersion, views: figures }, null, 2));
});

/** A page with axe in every frame (documents the page creates later included). */
async function axePage(t, { viewport = { width: 1280, height: 900 }, colorScheme = 'light' } = {}) {
  const context = await browser().newContext({ viewport, colorScheme });
  await context.addInitScript({ content: axeSource });
  t.after(() => context.close());
  return context.newPage();
}

/**
 * Runs axe (WCAG 2.x A/AA rules and axe's best practices) on the page and its frames, prints the
 * view's figures and fails on critical or serious violations, listing each with its nodes.
 */
async function check(page, view) {
  const r = await page.evaluate(async () => {
    const res = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return {
      violations: res.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => n.target.join(' >>> ')).slice(0, 5),
        count: v.nodes.length,
      })),
      passes: res.passes.length,
      incomplete: res.incomplete.length,
    };
  });
  const by = (impact) => r.violations.filter((v) => v.impact === impact).reduce((n, v) => n + v.count, 0);
  const f = {
    view, critical: by('critical'), serious: by('serious'), moderate: by('moderate'), minor: by('minor'),
    rules_passed: r.passes, incomplete: r.incomplete, violations: r.violations,
  };
  figures.push(f);
  console.log(`axe ${axeVersion} · ${view}: critical ${f.critical}, serious ${f.serious}, moderate ${f.moderate}, ` +
    `minor ${f.minor} · ${f.rules_passed} rules passed, ${f.incomplete} need review` +
    r.violations.map((v) => `\n    ${v.impact}: ${v.id} (${v.count}) ${v.nodes.join(', ')}`).join(''));
  const bad = r.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  assert.deepEqual(bad.map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.join(', ')}`), [], `${view}: axe violations`);
}

/** Waits until the frames of the page's <ttm-lab> elements (or iframes) show their embed. */
async function embedsLoaded(page, selector) {
  const n = await page.locator(selector).count();
  for (let i = 0; i < n; i++) {
    await page.locator(selector).nth(i).scrollIntoViewIfNeeded();
    await page.frameLocator(`${selector} >> nth=${i}`).getByTestId('embed').waitFor({ timeout: 20_000 });
  }
  return n;
}

test('axe: the app with nothing open (the picker)', async (t) => {
  const page = await axePage(t);
  await page.goto(baseUrl);
  await page.getByRole('button', { name: 'Open', exact: true }).waitFor({ timeout: 15_000 });
  await check(page, 'app: start');
});

test('axe: a walkthrough in the app, the stage and the details with the debugfs text, light and dark', async (t) => {
  for (const colorScheme of ['light', 'dark']) {
    const page = await axePage(t, { colorScheme });
    await page.goto(baseUrl + '?walkthrough=pool-refill&step=1913');
    await page.getByTestId('stage').waitFor({ timeout: 15_000 });
    await page.getByTestId('debugfs-toggle').click();
    await page.getByTestId('debugfs').waitFor();
    await check(page, `app: walkthrough pool-refill at 1913, debugfs shown (${colorScheme})`);
  }
});

test('axe: an exercise card and compare mode in the app', async (t) => {
  const page = await axePage(t);
  await page.goto(baseUrl + '?walkthrough=pool-refill');
  await page.getByTestId('controls').waitFor({ timeout: 15_000 });
  for (let i = 0; i < 5 && await page.getByTestId('exercise').count() === 0; i++) await page.getByTestId('forward-action').click();
  await page.getByTestId('exercise').waitFor();
  await check(page, 'app: exercise card (pool-refill)');
  await page.getByTestId('m-era').selectOption('E1');
  await page.getByTestId('m-compare').click();
  await page.getByTestId('compare').waitFor();
  await check(page, 'app: compare mode (E3 vs E1)');
});

test('axe: then and now (3.3 beside 6.12) in the app, light and dark', async (t) => {
  for (const colorScheme of ['light', 'dark']) {
    const page = await axePage(t, { colorScheme });
    await page.goto(baseUrl + '?walkthrough=pool-refill&exercises=0');
    await page.getByTestId('controls').waitFor({ timeout: 15_000 });
    await page.getByTestId('m-then-now').click();
    await page.getByTestId('then-now-facts').waitFor();
    await check(page, `app: then and now (pool-refill, ${colorScheme})`);
  }
});

test('axe: the book chapter "TTM then and now" with its side-by-side embeds', async (t) => {
  const page = await axePage(t, { viewport: { width: 1440, height: 900 } });
  await page.goto(baseUrl + 'book/then-and-now.html');
  const n = await embedsLoaded(page, 'ttm-lab > iframe');
  assert.equal(n, 5, 'then-and-now embeds five walkthroughs');
  await check(page, 'book: then-and-now (5 embeds)');
});

test('axe: an embed on its own (embed mode, exercises on)', async (t) => {
  const page = await axePage(t, { viewport: { width: 900, height: 640 } });
  await page.goto(baseUrl + '?embed=1&walkthrough=pool-refill&from=18&to=2097&exercises=1');
  await page.getByTestId('embed').waitFor({ timeout: 15_000 });
  await check(page, 'embed: pool-refill 18..2097');
});

test('axe: a book chapter with its live walkthroughs', async (t) => {
  const page = await axePage(t);
  await page.goto(baseUrl + 'book/page-pools.html');
  const n = await embedsLoaded(page, 'ttm-lab > iframe');
  assert.equal(n, 2, 'page-pools embeds two walkthroughs');
  await page.getByTestId('lab-caption').first().waitFor();
  await check(page, 'book: page-pools (2 embeds)');
});

test('axe: a page of the Sphinx example with its walkthroughs', async (t) => {
  const page = await axePage(t);
  await page.goto(baseUrl + 'sphinx-example/page-pools.html');
  const n = await embedsLoaded(page, 'ttm-lab > iframe');
  assert.equal(n, 2, 'the Sphinx page-pools page embeds two walkthroughs');
  await check(page, 'sphinx: page-pools (2 embeds)');
});
