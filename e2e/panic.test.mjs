// The panic screen (web/src/panic.rs): a panic kills the wasm app, and the page must then say so,
// name the last good position and offer a link that reloads it, in the full app and in an embed.
// The panic is the test-only trigger: ?debug_panic=I-know-this-kills-the-page defines
// window.__ttmLabPanic() (docs/embedding.md, "If the app panics"). Run like e2e/app.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, baseUrl, here, useChromium } from './browser.mjs';

const browser = useChromium();

const TOKEN = 'I-know-this-kills-the-page';
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";




/** What a deliberate panic may log: the hook's report and the wasm trap it ends in. */
const EXPECTED = [/^console\.error: TTM Lab panicked at .*deliberate panic/s, /^pageerror: .*unreachable/];

/**
 * A page whose console errors, page errors and failed requests are collected in `errors`; when
 * the test ends, each must be one a deliberate panic logs (and none at all unless `panics`).
 */
async function watchedPage(t, { viewport = { width: 1280, height: 720 }, panics = true } = {}) {
  const page = await browser().newPage({ viewport });
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText === 'net::ERR_ABORTED' && r.url().includes('favicon')) return;
    errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  t.after(async () => {
    await page.close();
    const unexpected = errors.filter((e) => !panics || !EXPECTED.some((re) => re.test(e)));
    assert.deepEqual(unexpected, [], 'the page logged errors a deliberate panic does not explain');
  });
  return { page, errors };
}

const text = async (loc) => (await loc.textContent()).trim();

/** [position, length]: the raw event index and trace length the position line carries (its
 * data-pos and data-len; the URL's step=), checking that its text reads "… step S of N … · call K of C". */
async function position(page) {
  const line = page.getByTestId('position');
  assert.match(await text(line), /(^|, )(step \d+ of \d+ \(.+\)|boot state, before step 1 of \d+|device setup, before step 1 of \d+|ready for step 1 of \d+ \(.+\)) · call [\d,]+ of [\d,]+$/);
  return [Number(await line.getAttribute('data-pos')), Number(await line.getAttribute('data-len'))];
}

/** One → press, waiting until the position has moved. */
async function stepKey(page) {
  // The raw position: the words ("call k of n") stay the same across an exit.
  const before = await page.getByTestId('position').getAttribute('data-pos');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((b) => document.querySelector('[data-testid=position]').dataset.pos !== b, before);
}

test('a panic shows the alert with its message and position; its link reloads the last good position with the edits', async (t) => {
  const { page, errors } = await watchedPage(t);
  await page.goto(`${baseUrl}?walkthrough=pool-refill&debug_panic=${TOKEN}`);
  await page.getByTestId('controls').waitFor({ timeout: 15_000 });

  // An edit in the scenario editor (kept in localStorage as it is typed).
  const details = page.locator('details.editor');
  await details.locator('summary').click();
  const editor = page.getByTestId('editor');
  const original = await editor.inputValue();
  const edited = original.replace(/"title": "[^"]*"/, '"title": "Typed before the panic"');
  assert.notEqual(edited, original, 'the scenario JSON has a title to edit');
  await editor.fill(edited);
  await page.locator('body').click({ position: { x: 5, y: 5 } });

  for (let i = 0; i < 3; i++) await stepKey(page);
  const [pos, len] = await position(page);
  assert.ok(pos > 0, `stepped to ${pos}`);
  const good = new URL(page.url());
  assert.equal(good.searchParams.get('step'), String(pos));
  assert.equal(good.searchParams.get('debug_panic'), null, 'the written URL drops the trigger');
  assert.deepEqual(errors, [], 'nothing logged before the panic');

  // From a timer, like an event handler: the wasm trap that ends the panic is uncaught.
  await page.evaluate(() => setTimeout(() => window.__ttmLabPanic()));
  const alert = page.getByRole('alert');
  await alert.waitFor({ timeout: 5_000 });
  assert.equal(await alert.getAttribute('data-testid'), 'panic');
  assert.match(await text(alert.getByRole('heading')), /TTM Lab has stopped/);
  assert.match(await text(page.getByTestId('panic-message')),
    /^What happened: deliberate panic from window\.__ttmLabPanic\(\) .* at web\/src\/store\/mod\.rs:\d+:\d+$/);
  assert.match(await text(page.getByTestId('panic-position')),
    /^Last good position: walkthrough “pool-refill”, (step \d+ of 3 \(.+\)|device setup, before step 1 of 3|ready for step 1 of 3 \(.+\)) · call [\d,]+ of [\d,]+\.$/);
  assert.match(await text(page.getByTestId('panic-edits')), /^Your edits are kept/);
  // Not a blank page: the app is hidden, the message is what is shown, and it has the keyboard focus.
  assert.ok(await alert.isVisible());
  assert.equal(await page.getByTestId('app-root').isVisible(), false);
  assert.match(await page.evaluate(() => document.body.innerText), /TTM Lab has stopped[\s\S]*Reload at the last good position/);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'panic-reload');
  assert.ok(EXPECTED.every((re) => errors.some((e) => re.test(e))), `the panic and the uncaught trap: ${errors.join(' | ')}`);

  const link = page.getByRole('link', { name: 'Reload at the last good position' });
  const href = new URL(await link.getAttribute('href'), page.url());
  assert.equal(href.search, `?walkthrough=pool-refill&step=${pos}&zoom=call`);

  await page.screenshot({ path: join(artifacts, 'panic-light.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(artifacts, 'panic-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });

  // Follow it with the keyboard: back at the same position, the edit in the editor, stepping works.
  const logged = errors.length;
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.href === href.href);
  await page.getByTestId('controls').waitFor({ timeout: 15_000 });
  assert.deepEqual(await position(page), [pos, len]);
  assert.equal(await page.getByTestId('panic').count(), 0);
  assert.equal(await page.evaluate(() => typeof window.__ttmLabPanic), 'undefined', 'the reload is not armed');
  assert.equal(await page.getByTestId('editor').inputValue(), edited, 'the edit survived');
  await stepKey(page);
  assert.ok((await position(page))[0] > pos, 'a step key works');
  assert.deepEqual(errors.slice(logged), [], 'nothing logged after the reload');
});

test('debug_panic without its token is ignored: no trigger, no panic', async (t) => {
  const { page } = await watchedPage(t, { panics: false });
  for (const value of ['1', TOKEN.toLowerCase()]) {
    await page.goto(`${baseUrl}?walkthrough=pool-refill&debug_panic=${value}`);
    await page.getByTestId('controls').waitFor({ timeout: 15_000 });
    assert.equal(await page.evaluate(() => typeof window.__ttmLabPanic), 'undefined', `debug_panic=${value}`);
    await stepKey(page);
    assert.ok((await position(page))[0] > 0);
    assert.equal(await page.getByTestId('panic').count(), 0);
  }
});

/** A loopback server for dist/ with the CSP header and the e2e host page (as in e2e/app.test.mjs). */
async function cspServer(t) {
  const { spawn } = await import('node:child_process');
  const proc = spawn(process.execPath, [
    join(here, 'serve.mjs'), join(here, '..', 'dist'), '0',
    '--header', `Content-Security-Policy: ${CSP}`,
    '--file', `/host.html=${join(here, 'host', 'host.html')}`,
    '--file', `/host.js=${join(here, 'host', 'host.js')}`,
    '--file', `/favicon.ico=${join(here, '..', 'static', 'favicon.svg')}`,
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => proc.kill());
  return await new Promise((ok, fail) => {
    proc.stdout.once('data', (d) => ok(String(d).trim().split('\n')[0]));
    proc.once('exit', (c) => fail(new Error(`serve.mjs exited ${c}`)));
  });
}

test('embed in a 640x400 frame under the CSP: the panic screen fits and its link reloads the frame at the last good step', async (t) => {
  const base = await cspServer(t);
  const { page } = await watchedPage(t, { viewport: { width: 800, height: 500 } });
  const src = `./?embed=1&walkthrough=pool-refill&from=3&to=40&theme=light&debug_panic=${TOKEN}`;
  await page.goto(`${base}host.html?src=${encodeURIComponent(src)}`);
  await page.evaluate(() => Object.assign(document.getElementById('lab'), { width: '640', height: '400' }));
  const frame = await (await page.$('#lab')).contentFrame();
  const embed = frame.getByTestId('embed');
  await embed.waitFor({ timeout: 15_000 });
  for (let i = 0; i < 2; i++) {
    const before = await embed.getAttribute('data-pos');
    await frame.getByTestId('forward').click();
    await frame.waitForFunction((b) => document.querySelector('[data-testid=embed]').dataset.pos !== b, before);
  }
  const pos = await embed.getAttribute('data-pos');
  assert.ok(Number(pos) > 3, `stepped to ${pos}`);

  await frame.evaluate(() => setTimeout(() => window.__ttmLabPanic()));
  const alert = frame.getByRole('alert');
  await alert.waitFor({ timeout: 5_000 });
  assert.match(await text(frame.getByTestId('panic-position')), /^Last good position: walkthrough “pool-refill”, (step \d+ of 3 \(.+\)|device setup, before step 1 of 3|ready for step 1 of 3 \(.+\)) · call [\d,]+ of [\d,]+\.$/);
  assert.equal(await frame.getByTestId('panic-edits').count(), 0, 'an embed has no editor to speak of');
  const link = frame.getByTestId('panic-reload');
  const href = new URL(await link.getAttribute('href'), frame.url());
  assert.equal(await link.getAttribute('target'), null, 'the link reloads the frame itself');
  assert.deepEqual(Object.fromEntries(href.searchParams),
    { embed: '1', walkthrough: 'pool-refill', from: '3', to: '40', theme: 'light', step: pos });
  // It fits the frame: the link is inside the 640x400 box without scrolling.
  const box = await link.boundingBox();
  const frameBox = await page.locator('#lab').boundingBox();
  assert.ok(box.y + box.height <= frameBox.y + frameBox.height, `link at ${box.y}+${box.height} in a frame ending at ${frameBox.y + frameBox.height}`);
  await page.locator('#lab').screenshot({ path: join(artifacts, 'panic-embed-light.png') });
  await frame.evaluate(() => { document.documentElement.dataset.theme = 'dark'; });
  await page.locator('#lab').screenshot({ path: join(artifacts, 'panic-embed-dark.png') });

  // The embed leaves the host's focus alone; Tab from inside the frame reaches the link.
  assert.notEqual(await frame.evaluate(() => document.activeElement?.dataset.testid), 'panic-reload');
  await frame.getByTestId('panic').click({ position: { x: 300, y: 380 } });
  await page.keyboard.press('Tab');
  assert.equal(await frame.evaluate(() => document.activeElement?.dataset.testid), 'panic-reload');
  await page.keyboard.press('Enter');
  await frame.waitForURL((u) => u.href === href.href);
  await frame.getByTestId('embed').waitFor({ timeout: 15_000 });
  assert.equal(await frame.getByTestId('embed').getAttribute('data-pos'), pos);
  assert.equal(await frame.getByTestId('panic').count(), 0);
  assert.equal(await page.evaluate(() => document.querySelector('h1').textContent), 'A documentation page embedding TTM Lab', 'the host page stayed');
});
