// The Sphinx example (docs/sphinx-example, built by scripts/test.sh into dist/sphinx-example/ with
// sphinxcontrib-ttmlab from integrations/sphinx and the app copied in as _ttmlab/): a page per
// topic of the book, each with a live walkthrough; the directive's options reach the element; a
// walkthrough stepped through the element's API, with its events heard; readers without
// JavaScript get a link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, baseUrl, useChromium } from './browser.mjs';

const browser = useChromium();

const site = () => `${baseUrl}sphinx-example/`;
// The topics of the book (docs/book/src/SUMMARY.md), one page each.
const TOPICS = ['tt-lifecycle', 'page-pools', 'accounting-and-swap', 'placement-and-eviction', 'drivers', 'seed-commit', 'then-and-now'];


/** A page failing the test on console errors, page errors, failed or off-site requests. */
async function watched(t, options = {}) {
  const context = await browser().newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('request', (r) => { if (!r.url().startsWith(baseUrl)) errors.push(`off-site request: ${r.url()}`); });
  page.on('requestfailed', (r) => {
    // Going on to the next page aborts what the last one's frames were still loading.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  t.after(async () => {
    await context.close();
    assert.deepEqual(errors, [], 'the page logged errors');
  });
  return page;
}

test('sphinx: the example has a page per topic of the book, each with a <ttm-lab> and the embed script', async (t) => {
  const page = await watched(t);
  await page.goto(site());
  const links = await page.locator('.toctree-wrapper a.reference.internal').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(links, TOPICS.map((p) => `${p}.html`));
  for (const topic of TOPICS) {
    await page.goto(`${site()}${topic}.html`);
    assert.ok(await page.locator('ttm-lab').count() >= 1, `${topic} embeds a walkthrough`);
    assert.equal(await page.locator('script[src="_ttmlab/ttm-lab-embed.js"]').count(), 1, `${topic}: the script once`);
    assert.match(await page.locator('ttm-lab iframe').first().getAttribute('title'), /^TTM Lab walkthrough: /);
  }
});

test('sphinx: a walkthrough stepped through the element API, its step and answer events heard', async (t) => {
  const page = await watched(t);
  await page.goto(`${site()}page-pools.html`);
  await page.evaluate(() => {
    window.steps = [];
    window.answers = [];
    const lab = document.querySelector('ttm-lab');
    lab.addEventListener('ttmlab-step', (e) => window.steps.push(e.detail));
    lab.addEventListener('ttmlab-answer', (e) => window.answers.push(e.detail));
  });
  const lab = page.locator('ttm-lab').first();
  // The directive's options, as the element carries them into the frame's address.
  assert.equal(await lab.locator('iframe').getAttribute('src'),
    '_ttmlab/?embed=1&walkthrough=pool-refill&from=18&to=2097&exercises=1');
  await lab.scrollIntoViewIfNeeded();
  const frame = page.frameLocator('ttm-lab >> nth=0 >> iframe');
  await frame.getByTestId('embed').waitFor({ timeout: 20_000 });
  const at = (s) => page.waitForFunction((n) => window.steps.at(-1)?.step === n, s, { timeout: 10_000 });
  await at(18);
  const first = await page.evaluate(() => window.steps.at(-1));
  assert.deepEqual([first.step, first.of, first.action], [18, 2097, 'device setup']);
  assert.match(first.position, /^ready for step 1 of 3 \(.+\) · call \d+ of [\d,]+$/);
  // Step by step from the host page.
  for (const s of [19, 20, 21]) {
    await lab.evaluate((l, n) => l.goto(n), s);
    await at(s);
  }
  assert.equal(await frame.getByTestId('embed').getAttribute('data-pos'), '21');
  // An answer in the frame: the host hears it. (Until it is answered, a goto forward from the host
  // stops at the question.)
  for (let i = 0; i < 20 && await frame.getByTestId('exercise').count() === 0; i++) await frame.getByTestId('forward').click();
  await frame.getByTestId('exercise-input').fill('492');
  await frame.getByTestId('exercise-check').click();
  await page.waitForFunction(() => window.answers.length === 1);
  assert.deepEqual(await page.evaluate(() => window.answers), [{ step: 1, correct: true }]);
  // To the end of the populate (W3: 492 pages left in the wc pool).
  await lab.evaluate((l) => l.goto(1913));
  await at(1913);
  assert.match((await page.evaluate(() => window.steps.at(-1))).action, /populate tt 0/);
  // play / pause
  await lab.evaluate((l) => { l.goto(18); l.play(); });
  await page.waitForFunction(() => window.steps.at(-1).step > 19, null, { timeout: 10_000 });
  await lab.evaluate((l) => l.pause());
  await frame.locator('[data-testid=embed][data-playing=false]').waitFor();
  await page.screenshot({ path: join(artifacts, 'sphinx-page-pools.png'), fullPage: true });
});

test('sphinx: a scenario file of the docs tree travels in the URL; :theme: and :height: reach the frame', async (t) => {
  const page = await watched(t, { colorScheme: 'dark' });
  await page.goto(`${site()}page-pools.html`);
  const lab = page.locator('ttm-lab').nth(1);
  const src = await lab.locator('iframe').getAttribute('src');
  const scenario = new URL(src, 'http://x/').searchParams.get('scenario');
  const json = JSON.parse(Buffer.from(scenario, 'base64url').toString('utf8'));
  assert.equal(json.name, 'wc-refill-30');
  await lab.scrollIntoViewIfNeeded();
  const frame = page.frameLocator('ttm-lab >> nth=1 >> iframe');
  await frame.getByTestId('embed').waitFor({ timeout: 20_000 });
  assert.match(await frame.locator('.embed-title').innerText(), /Thirty WC pages from an empty pool/);
  // :theme: light holds although the reader's system is dark; :height: 560 is a fixed height.
  assert.equal(await frame.locator('html').getAttribute('data-theme'), 'light');
  assert.deepEqual(await lab.locator('iframe').evaluate((f) => [f.dataset.height, f.clientHeight]), ['fixed', 560]);
  // The first walkthrough has no :theme: and follows the dark system.
  const first = page.frameLocator('ttm-lab >> nth=0 >> iframe');
  await page.locator('ttm-lab').first().scrollIntoViewIfNeeded();
  await first.getByTestId('embed').waitFor({ timeout: 20_000 });
  await page.locator('ttm-lab').first().screenshot({ path: join(artifacts, 'sphinx-embed-dark.png') });
});

test('sphinx: without JavaScript the reader gets a link to the walkthrough in the full app', async (t) => {
  const page = await watched(t, { javaScriptEnabled: false });
  await page.goto(`${site()}page-pools.html`);
  const link = page.locator('ttm-lab').first().locator('a');
  assert.equal(await link.getAttribute('href'), '_ttmlab/?walkthrough=pool-refill&step=18');
  assert.match(await link.innerText(), /^TTM Lab walkthrough: a WC tt is populated/);
  assert.equal(await page.locator('ttm-lab iframe').count(), 0);
});
