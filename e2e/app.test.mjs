// Browser end-to-end tests of the built site (dist/), driven by playwright-core with the system Chromium.
// Run by scripts/test.sh, which serves dist/ on loopback and sets BASE_URL. By hand:
//   node e2e/serve.mjs dist &   BASE_URL=http://127.0.0.1:PORT/ node --test e2e/
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, 'artifacts');
const baseUrl = process.env.BASE_URL;
// The same Chromium binary and flags as the wasm-bindgen tests (scripts/test.sh).
const chrome = JSON.parse(readFileSync(join(here, 'chromium.json'), 'utf8'))['goog:chromeOptions'];

let browser;

before(async () => {
  assert.ok(baseUrl, 'set BASE_URL to the served dist/ (scripts/test.sh does)');
  mkdirSync(artifacts, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? chrome.binary,
    args: chrome.args.filter((a) => a !== '--headless'),
    headless: true,
  });
});

after(async () => {
  await browser?.close();
});

/** Opens the site and fails the test on any console error or uncaught page error. */
async function openApp(t, viewport = { width: 1200, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  t.after(async () => {
    await page.close();
    assert.deepEqual(errors, [], 'the page logged errors');
  });
  await page.goto(baseUrl);
  // The wasm app has rendered once the controls exist.
  await page.getByRole('button', { name: 'Create tt', exact: true }).waitFor({ timeout: 15_000 });
  return page;
}

function poolRow(page, pool) {
  return page.getByTestId(`pool-${pool.replace(' ', '-')}`);
}

async function expectPool(page, pool, { npages, nrefills, nfrees }) {
  const row = poolRow(page, pool);
  await row.waitFor();
  const cell = async (field) => (await row.getByTestId(field).textContent()).trim();
  if (npages !== undefined) assert.equal(await cell('npages'), String(npages), `${pool} npages`);
  if (nrefills !== undefined) assert.equal(await cell('nrefills'), String(nrefills), `${pool} nrefills`);
  if (nfrees !== undefined) assert.equal(await cell('nfrees'), String(nfrees), `${pool} nfrees`);
}

async function ttState(page) {
  return (await page.getByTestId('tt-state').textContent()).trim();
}

test('loads, renders the empty machine without errors', async (t) => {
  const page = await openApp(t);
  assert.equal(await page.title(), 'TTM Lab');
  await expectPool(page, 'wc', { npages: 0, nrefills: 0, nfrees: 0 });
  await expectPool(page, 'uc', { npages: 0, nrefills: 0, nfrees: 0 });
  await expectPool(page, 'wc dma', { npages: 0 });
  await expectPool(page, 'uc dma', { npages: 0 });
  assert.equal(await page.getByTestId('zone-kernel-used').textContent(), '0');
  // No tt yet: Populate / Unpopulate are disabled, the state line says so.
  assert.ok(await page.getByRole('button', { name: 'Populate', exact: true }).isDisabled());
  assert.ok(await page.getByRole('button', { name: 'Unpopulate', exact: true }).isDisabled());
  assert.match(await ttState(page), /no tt/);
});

test('W3/W4: populate and unpopulate a 20-page WC tt', async (t) => {
  const page = await openApp(t);

  await page.getByLabel('Pages').fill('20');
  await page.getByLabel('Caching').selectOption('wc');
  await page.getByRole('button', { name: 'Create tt', exact: true }).click();
  assert.equal(await ttState(page), 'tt_unpopulated');
  assert.equal(await page.getByTestId('tt-cells').getByRole('listitem').count(), 20);
  assert.equal(await page.locator('[data-testid="tt-cells"] .cell.present').count(), 0);

  // W3: the first page refills the empty wc pool with 512 pages, 20 are taken.
  await page.getByRole('button', { name: 'Populate', exact: true }).click();
  assert.equal(await ttState(page), 'tt_unbound');
  await expectPool(page, 'wc', { npages: 492, nrefills: 1, nfrees: 0 });
  await expectPool(page, 'uc', { npages: 0, nrefills: 0 });
  assert.equal(await page.getByTestId('zone-kernel-used').textContent(), '81,920');
  assert.equal(await page.locator('[data-testid="tt-cells"] .cell.present').count(), 20);
  assert.equal(await page.getByRole('status').first().getAttribute('aria-live'), 'polite');
  const trace = await page.getByTestId('trace').textContent();
  for (const fn of ['ttm_pool_populate', 'ttm_get_pages', 'ttm_page_pool_fill_locked']) {
    assert.ok(trace.includes(fn), `trace mentions ${fn}`);
  }
  await page.screenshot({ path: join(artifacts, 'w3-populated.png'), fullPage: true });

  // W4: every page goes back to the pool; 512 <= max_size, so nothing is freed.
  await page.getByRole('button', { name: 'Unpopulate', exact: true }).click();
  assert.equal(await ttState(page), 'tt_unpopulated');
  await expectPool(page, 'wc', { npages: 512, nrefills: 1, nfrees: 0 });
  assert.equal(await page.getByTestId('zone-kernel-used').textContent(), '0');
  assert.equal(await page.locator('[data-testid="tt-cells"] .cell.present').count(), 0);
  assert.ok((await page.getByTestId('trace').textContent()).includes('ttm_put_pages'));
});

test('an invalid size is refused with an alert, nothing runs', async (t) => {
  const page = await openApp(t);
  await page.getByLabel('Pages').fill('0');
  await page.getByRole('button', { name: 'Create tt', exact: true }).click();
  assert.match(await page.getByRole('alert').textContent(), /Pages must be a whole number/);
  assert.match(await ttState(page), /no tt/);
  await expectPool(page, 'wc', { npages: 0, nrefills: 0 });
});

test('keyboard only: Tab to the buttons and press Enter', async (t) => {
  const page = await openApp(t);
  await page.getByLabel('Pages').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('8');
  await page.getByRole('button', { name: 'Create tt', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab'); // -> Populate
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Populate');
  await page.screenshot({ path: join(artifacts, 'keyboard-focus.png') });
  await page.keyboard.press('Enter');
  assert.equal(await ttState(page), 'tt_unbound');
  await expectPool(page, 'wc', { npages: 504, nrefills: 1 });
});

test('narrow screen and dark scheme render without errors', async (t) => {
  const page = await openApp(t, { width: 420, height: 900 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('button', { name: 'Create tt', exact: true }).click();
  await page.getByRole('button', { name: 'Populate', exact: true }).click();
  assert.equal(await ttState(page), 'tt_unbound');
  await page.screenshot({ path: join(artifacts, 'narrow-dark.png'), fullPage: true });
});
