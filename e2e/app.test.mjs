// Browser end-to-end tests of the built site (dist/), driven by playwright-core with the system Chromium.
// Run by scripts/test.sh, which serves dist/ on loopback and sets BASE_URL. By hand:
//   node e2e/serve.mjs dist &   BASE_URL=http://127.0.0.1:PORT/ node --test e2e/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, baseUrl, here, useChromium } from './browser.mjs';

const browser = useChromium();

const WALK = 'pool-refill';




/**
 * Opens the site (optionally with a query string and emulated media) and fails the test on any
 * console error or uncaught page error (a Rust panic in wasm shows up as both).
 */
async function openApp(t, { query = '', viewport = { width: 1280, height: 720 }, media } = {}) {
  const page = await browser().newPage({ viewport });
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    // Navigating on before the favicon arrives aborts it; that is not an error of the page.
    if (r.failure()?.errorText === 'net::ERR_ABORTED' && r.url().includes('favicon')) return;
    errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  t.after(async () => {
    await page.close();
    assert.deepEqual(errors, [], 'the page logged errors');
  });
  if (media) await page.emulateMedia(media);
  await page.goto(baseUrl + query);
  // The wasm app has rendered once the picker exists.
  await page.getByRole('button', { name: 'Open', exact: true }).waitFor({ timeout: 15_000 });
  return page;
}

/** Opens the pool-refill walkthrough through the picker. */
async function openWalk(t, opts) {
  const page = await openApp(t, opts);
  await page.getByLabel('Walkthrough').selectOption(WALK);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByTestId('controls').waitFor();
  return page;
}

const text = async (loc) => (await loc.textContent()).trim();

async function expectPool(page, pool, { npages, nrefills, nfrees }) {
  const row = page.getByTestId(`pool-${pool.replace(' ', '-')}`);
  await row.waitFor();
  const cell = (field) => text(row.getByTestId(field));
  if (npages !== undefined) assert.equal(await cell('npages'), String(npages), `${pool} npages`);
  if (nrefills !== undefined) assert.equal(await cell('nrefills'), String(nrefills), `${pool} nrefills`);
  if (nfrees !== undefined) assert.equal(await cell('nfrees'), String(nfrees), `${pool} nfrees`);
}

/** [position, length]: the raw event index and trace length the position line carries (its
 * data-pos and data-len; the URL's step=), checking that its text reads "… step S of N … · call K of C". */
async function position(page) {
  const line = page.getByTestId('position');
  assert.match(await text(line), /(^|, )(step \d+ of \d+ \(.+\)|boot state, before step 1 of \d+|device setup, before step 1 of \d+|ready for step 1 of \d+ \(.+\)) · call [\d,]+ of [\d,]+$/);
  return [Number(await line.getAttribute('data-pos')), Number(await line.getAttribute('data-len'))];
}

const button = (page, name) => page.getByRole('button', { name, exact: true });

/** Press the exercise card's "Play step" and wait until the step has played (paused again, further on). */
async function playStep(page) {
  const before = (await position(page))[0];
  await page.getByTestId('exercise-reveal').click();
  await page.waitForFunction((b) => Number(document.querySelector('[data-testid=position]').dataset.pos) > b
    && document.querySelector('[data-testid=play]').textContent.includes('Play'), before, { timeout: 60_000 });
}

test('loads with the picker listing the built-in walkthroughs, nothing open yet', async (t) => {
  const page = await openApp(t);
  assert.equal(await page.title(), 'TTM Lab: step through the Linux 3.3 TTM memory manager');
  const options = await page.getByLabel('Walkthrough').locator('option').allTextContents();
  assert.ok(options.some((o) => o.includes('A WC tt is populated from the page pool')), options.join('|'));
  assert.match(await text(page.getByTestId('course')), /Lesson 1: /);
  await page.screenshot({ path: join(artifacts, 'start.png'), fullPage: true });
});

test('picking a walkthrough runs it and opens the stepper at its first user step with its goal', async (t) => {
  const page = await openWalk(t);
  assert.match(await text(page.getByTestId('walk-title')), /A WC tt is populated/);
  assert.match(await text(page.getByTestId('goal')), /ttm_page_pool_fill_locked refills it with a batch of 512/);
  const [pos, len] = await position(page);
  // After the device setup, ready for step 1 (the setup is a step back).
  assert.ok(pos > 0);
  assert.match(await text(page.getByTestId('position')), /^ready for step 1 of 3 \(/);
  assert.ok(len > 50, `a real trace (${len} events)`);
  assert.match(page.url(), new RegExp(`walkthrough=pool-refill&step=${pos}&zoom=call`));
  await expectPool(page, 'wc', { npages: 0, nrefills: 0, nfrees: 0 });
  await page.getByTestId('start').click();
  assert.equal((await position(page))[0], 0);
  assert.ok(await page.getByTestId('back').isDisabled());
  assert.ok(await page.getByTestId('start').isDisabled());
  assert.equal(await page.getByTestId('narration').getAttribute('aria-live'), 'polite');
});

test('issue 16: a walkthrough URL draws its first screen first, marks it, then the panels below', async (t) => {
  const page = await openApp(t, { query: `?walkthrough=${WALK}` });
  // The app's own User Timing mark (e2e/first-render.mjs reads it), put once.
  const marks = await page.evaluate(() => performance.getEntriesByName('ttm-lab:first-screen').length);
  assert.equal(marks, 1);
  // The stage and the controls were in the first render; the details, the machine form and the
  // scenario files follow after the first paint, all of them.
  for (const id of ['goal', 'zone-kernel', 'machine-form']) await page.getByTestId(id).first().waitFor({ timeout: 5_000 });
  await page.getByRole('region', { name: 'Scenario files and random problems' }).waitFor({ timeout: 5_000 });
  const order = await page.evaluate(() => {
    const mark = performance.getEntriesByName('ttm-lab:first-screen')[0].startTime;
    const paint = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? mark;
    return { mark, paint };
  });
  assert.ok(order.paint >= order.mark - 1, `the first paint (${order.paint}) shows the first screen (${order.mark})`);
});

test('W3/W4: the end of populate shows wc 492 / 1 refill, unpopulate returns all 512', async (t) => {
  const page = await openWalk(t, { query: '?exercises=0' });
  await page.getByRole('button', { name: /^Go to the end of step 2: / }).click();
  assert.equal(await text(page.getByTestId('tt-state')), 'tt_unbound');
  await expectPool(page, 'wc', { npages: 492, nrefills: 1, nfrees: 0 });
  await expectPool(page, 'uc', { npages: 0, nrefills: 0 });
  assert.equal(await text(page.getByTestId('zone-kernel-used')), '81,920');
  assert.match(await text(page.getByTestId('say')), /20 were taken, 492 remain/);
  // What the step changed is marked, with the old value on hover.
  const npages = page.getByTestId('pool-wc').getByTestId('npages');
  assert.match(await npages.getAttribute('class'), /\bchanged\b/);
  assert.equal(await npages.getAttribute('title'), 'was 0');
  assert.doesNotMatch((await page.getByTestId('pool-uc').getByTestId('npages').getAttribute('class')) ?? '', /changed/);
  assert.match(await text(page.getByTestId('tt-detail')), /20 of 20 pages present/);
  assert.equal(await page.getByTestId('tt-grid-0').getAttribute('data-cells'), '20');
  // Hovering a cell names the slot, its colour and its page frame (e2e/explain.test.mjs: the rest).
  await page.getByTestId('tt-grid-0').hover({ position: { x: 4, y: 4 } });
  assert.match(await text(page.getByTestId('cell-tip')), /^slot 0: page, write-combined.*pfn 0x[0-9a-f]+ · zone/);
  assert.match(await page.getByTestId('tt-grid-0').getAttribute('aria-label'), /tt 0: tt_unbound, tt_wc, 20 of 20/);
  // The pool strip shows the 492 waiting pages on a canvas too.
  assert.equal(await page.getByRole('img', { name: 'wc pool: 492 pages, head first' }).getAttribute('data-cells'), '492');
  await page.screenshot({ path: join(artifacts, 'w3-populated.png'), fullPage: true });

  // W4: every page goes back to the pool; 512 <= max_size, so nothing is freed.
  await page.getByTestId('forward-action').click();
  const [pos, len] = await position(page);
  assert.equal(pos, len);
  assert.equal(await text(page.getByTestId('tt-state')), 'tt_unpopulated');
  await expectPool(page, 'wc', { npages: 512, nrefills: 1, nfrees: 0 });
  assert.equal(await text(page.getByTestId('zone-kernel-used')), '0');
  assert.match(await text(page.getByTestId('say')), /512 pages wait there/);

  // The debugfs text (W21), at the end position.
  await page.getByTestId('debugfs-toggle').click();
  assert.equal(await page.getByTestId('debugfs-toggle').getAttribute('aria-expanded'), 'true');
  assert.match(await text(page.getByTestId('debugfs')), /wc\s+1\s+0\s+512/);
  // The debugfs text follows the position: at the end of the populate it is W21's 492.
  await page.getByRole('button', { name: /^Go to the end of step 2: / }).click();
  assert.match(await text(page.getByTestId('debugfs')), /wc\s+1\s+0\s+492/);
});

test('step forward and back by call, change and action; the call stack links to elixir', async (t) => {
  const page = await openWalk(t, { query: '?exercises=0' });
  const seen = [];
  for (let i = 0; i < 6; i++) {
    await page.getByTestId('forward').click();
    seen.push((await position(page))[0]);
  }
  assert.ok(seen.every((p, i) => i === 0 || p > seen[i - 1]), `forward moves on: ${seen}`);
  // Go on until a call is open, then check its link.
  for (let i = 0; i < 40 && (await page.getByTestId('call-stack').count()) === 0; i++) {
    await page.getByTestId('forward').click();
  }
  const link = page.getByTestId('call-stack').getByRole('link').first();
  assert.match(await link.getAttribute('href'), /^https:\/\/elixir\.bootlin\.com\/linux\/v3\.3\/A\/ident\/\w+$/);
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.match(await text(page.getByTestId('did')), /^Last call/);

  const before = (await position(page))[0];
  await page.getByTestId('forward').click();
  await page.getByTestId('back').click();
  assert.equal((await position(page))[0], before, 'back undoes forward');

  await page.getByTestId('zoom-change').click();
  assert.equal(await page.getByTestId('zoom-change').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByTestId('back').getAttribute('aria-label'), 'Back one change (Left)');
  await page.getByTestId('forward').click();
  assert.ok((await position(page))[0] > before);
  assert.match(page.url(), /zoom=change/);

  await page.getByTestId('end').click();
  const [end, len] = await position(page);
  assert.equal(end, len);
  assert.ok(await page.getByTestId('forward').isDisabled());
  await page.getByTestId('back-action').click();
  assert.ok((await position(page))[0] < len);
  assert.ok((await text(page.getByTestId('say'))).length > 20, 'the step narration shows at an action boundary');
});

test('the scrubber jumps to any position; the marks of the steps are shown', async (t) => {
  const page = await openWalk(t);
  const [, len] = await position(page);
  const scrub = page.getByLabel('Position in the trace');
  assert.equal(await scrub.getAttribute('max'), String(len));
  await scrub.fill(String(Math.floor(len / 2)));
  assert.equal((await position(page))[0], Math.floor(len / 2));
  assert.match(await scrub.getAttribute('aria-valuetext'), /^step \d+ of \d+ \(.+\) · call [\d,]+ of [\d,]+$/);
  assert.equal(await page.locator('.ticks .tick').count(), 3);
  assert.match(page.url(), new RegExp(`step=${Math.floor(len / 2)}`));
});

test('keyboard: arrows, Shift+arrows, Home/End, +/- and Space; focus is visible', async (t) => {
  const page = await openWalk(t, { query: '?exercises=0' });
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  const p0 = (await position(page))[0];
  await page.keyboard.press('ArrowRight');
  const p1 = (await position(page))[0];
  assert.ok(p1 > p0);
  await page.keyboard.press('ArrowLeft');
  assert.equal((await position(page))[0], p0);
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  assert.ok((await position(page))[0] > p1);
  await page.keyboard.press('End');
  const [end, len] = await position(page);
  assert.equal(end, len);
  await page.keyboard.press('Home');
  assert.equal((await position(page))[0], 0);
  const speed = await text(page.getByTestId('speed'));
  await page.keyboard.press('+');
  assert.notEqual(await text(page.getByTestId('speed')), speed);
  await page.keyboard.press('-');
  assert.equal(await text(page.getByTestId('speed')), speed);
  await page.keyboard.press('Space');
  assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'true');
  await page.keyboard.press('Space');
  assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'false');
  // Tab reaches the buttons, and focus is drawn.
  await page.getByTestId('forward').focus();
  const outline = await page.getByTestId('forward').evaluate((el) => getComputedStyle(el).outlineStyle);
  assert.equal(outline, 'solid');
  await page.keyboard.press('Enter');
  assert.ok((await position(page))[0] > 0);
  await page.screenshot({ path: join(artifacts, 'keyboard-focus.png') });
});

test('play stops before a marked step to ask; without exercises it runs to the end; pause stops it', async (t) => {
  const page = await openWalk(t);
  await page.getByTestId('zoom-action').click();
  for (let i = 0; i < 3; i++) await page.getByTestId('faster').click();
  await button(page, 'Play (Space)').click();
  // Read both at once: at this speed play may already have stopped before the next question.
  const [pressed, live] = await page.evaluate(() => [
    document.querySelector('[data-testid=play]').getAttribute('aria-pressed'),
    document.querySelector('[data-testid=narration]').getAttribute('aria-live'),
  ]);
  assert.equal(live, pressed === 'true' ? 'off' : 'polite', 'silent while playing, polite when stopped');
  // pool-refill marks step 2 (the populate): play stops just before it and asks.
  await page.getByTestId('exercise').waitFor({ timeout: 10_000 });
  assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'false');
  assert.match(await text(page.getByTestId('position')), /^step 1 of 3 \(.+\) · call [\d,]+ of [\d,]+$/);
  // Exercises off: play runs through to the end.
  await page.getByTestId('exercises-toggle').uncheck();
  assert.equal(await page.getByTestId('exercise').count(), 0);
  await button(page, 'Play (Space)').click();
  await page.getByRole('button', { name: 'Play (Space)', exact: true }).waitFor({ timeout: 10_000 });
  const [pos, len] = await position(page);
  assert.equal(pos, len, 'play stopped at the end');

  await page.getByTestId('zoom-change').click();
  await page.getByTestId('start').click();
  await button(page, 'Play (Space)').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=position]').dataset.pos) > 0);
  await button(page, 'Pause (Space)').click();
  const paused = (await position(page))[0];
  await page.waitForTimeout(600);
  assert.equal((await position(page))[0], paused, 'paused: the position stays');
  assert.ok(paused > 0 && paused < len);
});

test('URL round trip: reloading at a step shows the same narration and numbers', async (t) => {
  const page = await openWalk(t);
  await page.getByRole('button', { name: /^Go to the end of step 1: / }).click();
  for (let i = 0; i < 25; i++) await page.getByTestId('forward').click();
  const url = page.url();
  assert.match(url, /walkthrough=pool-refill&step=\d+&zoom=call/);
  const snapshot = async () => ({
    position: await text(page.getByTestId('position')),
    narration: await text(page.getByTestId('narration')),
    wc: await text(page.getByTestId('pool-wc')),
    used: await text(page.getByTestId('zone-kernel-used')),
    stack: await text(page.locator('section[aria-labelledby=stack-h]')),
    tt: await text(page.getByTestId('tt-detail')),
  });
  const before = await snapshot();
  await page.reload();
  await page.getByTestId('controls').waitFor();
  assert.deepEqual(await snapshot(), before);
  assert.equal(page.url(), url);
});

test('a broken URL shows a clear message and keeps a sensible view', async (t) => {
  await t.test('unknown walkthrough', async (t) => {
    const page = await openApp(t, { query: '?walkthrough=no-such-walk&step=3' });
    assert.match(await text(page.getByRole('alert')), /There is no built-in walkthrough called "no-such-walk"/);
    assert.match(await text(page.getByTestId('course')), /Lesson 1: /);
    await page.screenshot({ path: join(artifacts, 'broken-url.png') });
    await page.getByRole('button', { name: 'Dismiss the URL message' }).click();
    assert.equal(await page.getByRole('alert').count(), 0);
  });
  await t.test('step past the end', async (t) => {
    const page = await openApp(t, { query: `?walkthrough=${WALK}&step=99999999` });
    assert.match(await text(page.getByRole('alert')), /Step 99999999 is past the end/);
    const [pos, len] = await position(page);
    assert.equal(pos, len);
  });
  await t.test('garbage step and zoom', async (t) => {
    const page = await openApp(t, { query: `?walkthrough=${WALK}&step=%3Cscript%3E&zoom=warp` });
    const alert = await text(page.getByRole('alert'));
    assert.match(alert, /The step parameter "<script>" is not a whole number/);
    assert.match(alert, /The zoom parameter "warp" is not action, call or change/);
    assert.match(await text(page.getByTestId('position')), /^ready for step 1 of 3 \(/, 'where it opens');
    assert.equal(await page.getByTestId('zoom-call').getAttribute('aria-pressed'), 'true');
  });
});

test('landmarks and breakpoints jump to the next refill, eviction and call', async (t) => {
  const page = await openWalk(t);
  await button(page, 'Next refill').click();
  assert.match(await text(page.getByTestId('position')), /step 2 of 3/);
  const stack = page.getByTestId('call-stack');
  assert.match(await text(stack.locator('li').last()), /^ttm_alloc_new_pages/);
  assert.match(await text(stack), /ttm_pool_populate/);
  assert.match(await text(page.getByTestId('event')), /^This event: ttm_alloc_new_pages\(count=512.*\): allocates 512 pages/);
  await button(page, 'Next eviction').click();
  assert.equal(await text(page.getByTestId('status')), 'No eviction after this position.');

  await page.getByLabel('Breakpoint').selectOption({ label: 'ttm_put_pages' });
  await button(page, 'Run to next call').click();
  assert.match(await text(stack.locator('li').last()), /^ttm_put_pages/);
  assert.match(await text(page.getByTestId('position')), /step 3 of 3/);
  await page.screenshot({ path: join(artifacts, 'breakpoint.png'), fullPage: true });
});

test('driver callbacks in the call stack are marked and link to the driver symbol', async (t) => {
  const page = await openApp(t, { query: '?walkthrough=eviction-order&step=0&zoom=call' });
  await page.getByLabel('Breakpoint').selectOption({ label: 'radeon_ttm_tt_populate' });
  await button(page, 'Run to next call').click();
  const top = page.getByTestId('call-stack').locator('li').last();
  assert.match(await text(top), /^radeon_ttm_tt_populate\(.*\)\s*driver callback$/);
  assert.equal(
    await top.getByRole('link').getAttribute('href'),
    'https://elixir.bootlin.com/linux/v3.3/A/ident/radeon_ttm_tt_populate',
  );
  await page.getByTestId('call-stack').screenshot({ path: join(artifacts, 'call-stack-driver.png') });
});

test('reduced motion: discrete states, slower default speed', async (t) => {
  const page = await openWalk(t, { media: { reducedMotion: 'reduce' } });
  assert.equal(await page.locator('.page').getAttribute('data-reduced-motion'), 'true');
  assert.equal(await text(page.getByTestId('speed')), '1 step/s');
  await page.getByRole('button', { name: /^Go to the end of step 2: / }).click();
  const transition = await page.locator('.bar .fill').first().evaluate((el) => getComputedStyle(el).transitionDuration);
  assert.equal(transition, '0s');
});

test('themes and tablet size: dark by system, toggle to light and dark', async (t) => {
  const page = await openWalk(t, { viewport: { width: 820, height: 1180 }, media: { colorScheme: 'dark' } });
  await page.getByRole('button', { name: /^Go to the end of step 2: / }).click();
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await bg(), 'rgb(15, 20, 25)');
  await page.screenshot({ path: join(artifacts, 'tablet-dark.png'), fullPage: true });
  await page.getByTestId('theme').click(); // auto -> light
  assert.equal(await page.locator('html').getAttribute('data-theme'), 'light');
  assert.equal(await bg(), 'rgb(246, 247, 249)');
  await page.screenshot({ path: join(artifacts, 'tablet-light.png'), fullPage: true });
  await page.getByTestId('theme').click(); // light -> dark
  assert.equal(await page.getByTestId('theme').getAttribute('aria-label'), 'Theme: dark');
  assert.equal(await bg(), 'rgb(15, 20, 25)');
  // The choice is remembered: with a light system scheme, the page stays dark after a reload.
  await page.emulateMedia({ colorScheme: 'light' });
  await page.reload();
  await page.getByTestId('controls').waitFor();
  assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
  assert.equal(await bg(), 'rgb(15, 20, 25)');
});

test('1280x720: the main views, no horizontal scrolling', async (t) => {
  const page = await openWalk(t);
  await button(page, 'Next refill').click();
  await page.screenshot({ path: join(artifacts, 'desktop-refill.png') });
  await page.screenshot({ path: join(artifacts, 'desktop-refill-full.png'), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal overflow (${overflow}px)`);
  // Every button has a name; every canvas is an image with a description.
  const unnamed = await page.locator('button').evaluateAll((bs) =>
    bs.filter((b) => !(b.getAttribute('aria-label') || b.textContent).trim()).map((b) => b.outerHTML),
  );
  assert.deepEqual(unnamed, []);
  // (The travel overlay is decoration: aria-hidden, not an image.)
  const canvases = await page.locator('canvas:not([aria-hidden=true])').evaluateAll((cs) => cs.map((c) => [c.getAttribute('role'), c.getAttribute('aria-label')]));
  assert.ok(canvases.length >= 1);
  for (const [role, label] of canvases) {
    assert.equal(role, 'img');
    assert.ok(label && label.length > 10, label);
  }
});

test('every built-in walkthrough opens, steps and jumps without errors', async (t) => {
  const page = await openApp(t);
  const names = await page.getByLabel('Walkthrough').locator('option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(names.length >= 1);
  for (const name of names) {
    await page.goto(`${baseUrl}?walkthrough=${name}&step=0&zoom=change`);
    await page.getByTestId('controls').waitFor();
    assert.equal(await page.getByRole('alert').count(), 0, `${name}: no URL message`);
    assert.ok((await text(page.getByTestId('goal'))).length > 0, `${name}: goal shown`);
    for (let i = 0; i < 3; i++) await page.getByTestId('forward').click();
    await button(page, 'Next finding').click();
    await button(page, 'Next refill').click();
    if (['eviction-order', 'vmwgfx-gmr', 'swap-cycle-bo'].includes(name)) {
      await page.getByRole('button', { name: /^Go to the end of step \d+: / }).nth(-2).click();
      await page.screenshot({ path: join(artifacts, `walk-${name}.png`), fullPage: true });
    }
    await page.getByTestId('end').click();
    const [pos, len] = await position(page);
    assert.equal(pos, len, `${name}: at the end`);
    assert.ok((await text(page.getByTestId('narration'))).length > 0, `${name}: narration at the end`);
    await page.getByTestId('back-action').click();
    await page.getByTestId('back').click();
  }
});

// ---- chart, scenario files and editor, machine form, compare, benchmark -------------------------

test('chart: pool sizes and zone usage over the trace; clicking it moves the position', async (t) => {
  const page = await openWalk(t);
  const chart = page.getByTestId('chart');
  await chart.waitFor();
  // pool-refill asks before step 2, so the chart first stops there (nothing to see yet: event 25).
  assert.match(await chart.getAttribute('aria-label'), /wc pool: always 0 pages/);
  await page.getByTestId('chart-unhide').click();
  assert.equal(await page.getByTestId('exercises-toggle').isChecked(), false);
  assert.equal(await chart.getAttribute('role'), 'img');
  assert.match(await chart.getAttribute('aria-label'), /Chart of pool sizes and zone usage over the whole trace/);
  assert.match(await chart.getAttribute('aria-label'), /wc pool: 0 pages to 512 pages/);
  assert.ok(Number(await chart.getAttribute('data-samples')) > 3);
  const summary = await text(page.getByTestId('chart-summary'));
  assert.match(summary, /wc pool: 0 pages to 512 pages/);
  assert.match(summary, /kernel zone used_mem: 0 B to /);
  const before = await text(page.getByTestId('position'));
  const box = await chart.boundingBox();
  await chart.click({ position: { x: box.width * 0.75, y: box.height * 0.3 } });
  const after = await text(page.getByTestId('position'));
  assert.notEqual(after, before, 'the position moved');
  const [pos, len] = await position(page);
  assert.ok(pos > len / 2 && pos < len, `clicked at 3/4: ${pos} of ${len}`);
  assert.ok((await chart.getAttribute('aria-label')).includes(`cursor at ${after}.`), 'the chart names the position as the controls do');
  await page.getByTestId('chart-panel').screenshot({ path: join(artifacts, 'chart.png') });
});

async function openEditor(page) {
  const details = page.locator('details.editor');
  if (!(await details.evaluate((e) => e.open))) await details.locator('summary').click();
}

const scenarioFile = (name, body) => ({ name, mimeType: 'application/json', buffer: Buffer.from(body) });
const GOOD = JSON.stringify({
  format: 'ttm-lab-scenario', version: 1, name: 'my-file', title: 'My own scenario from a file',
  goal: 'Two tts from a file.',
  steps: [
    { do: { action: 'tt_create', pages: 8, caching: 'uncached' } },
    { do: { action: 'tt_populate', tt: 0 } },
  ],
}, null, 2);
const BROKEN = '{\n  "format": "ttm-lab-scenario",\n  "version": 1,\n  "title": "broken",\n  "steps": [\n    { "do": { "action": "tt_populate", "tt": 7 } }\n  ]\n}\n';

test('scenario files: load a valid file, a broken one keeps the view; the editor text survives a reload', async (t) => {
  const page = await openWalk(t);
  const input = page.getByTestId('load-file');
  await input.setInputFiles(scenarioFile('mine.json', GOOD));
  await page.getByText('My own scenario from a file').waitFor();
  assert.equal(await text(page.getByTestId('walk-title')), 'My own scenario from a file');
  assert.match(await text(page.getByTestId('position')), /^(boot state, before step 1 of \d+ · call 0|ready for step 1 of \d+ \(.+\) · call [\d,]+) of [\d,]+$/);
  await page.getByRole('button', { name: /^Go to the end of step 2: / }).click();
  await expectPool(page, 'uc', { nrefills: 1 });

  await input.setInputFiles(scenarioFile('broken.json', BROKEN));
  const err = page.getByTestId('load-error');
  await err.waitFor();
  assert.match(await text(err), /broken\.json/);
  assert.match(await text(err), /line 6, column \d+ at steps\[0\]\.do: there is no tt 7/);
  assert.match(await text(err), /unchanged/);
  assert.equal(await text(page.getByTestId('walk-title')), 'My own scenario from a file', 'previous walkthrough still shown');
  await page.getByTestId('load-bar').screenshot({ path: join(artifacts, 'load-error.png') });

  // The editor holds the loaded scenario; a broken edit shows its place and keeps the last good run.
  await openEditor(page);
  const editor = page.getByTestId('editor');
  assert.match(await editor.inputValue(), /My own scenario from a file/);
  await editor.fill(GOOD.replace('My own scenario from a file', 'Edited title').replace('"tt": 0', '"tt": oops'));
  await page.getByTestId('run-editor').click();
  assert.match(await text(page.getByTestId('load-error')), /The editor's scenario was not loaded: line \d+, column \d+/);
  assert.equal(await text(page.getByTestId('walk-title')), 'My own scenario from a file');
  await page.reload();
  await page.getByTestId('load-bar').waitFor();
  await openEditor(page);
  await page.screenshot({ path: join(artifacts, 'editor-reloaded.png'), fullPage: true });
  assert.match(await page.getByTestId('editor').inputValue(), /Edited title[\s\S]*"tt": oops/, 'typed text kept');
  await page.getByTestId('editor').fill(GOOD.replace('My own scenario from a file', 'Edited title'));
  await page.getByTestId('run-editor').click();
  await page.getByText('Edited title').first().waitFor();
  assert.equal(await text(page.getByTestId('walk-title')), 'Edited title');
  await page.screenshot({ path: join(artifacts, 'editor.png'), fullPage: true });
});

test('machine form: re-run on another era, the URL restores it; broken values keep the view', async (t) => {
  const page = await openWalk(t);
  assert.match(await text(page.getByTestId('machine')), /^radeon, x86-64, 64 MiB, E3, faithful$/);
  await page.getByTestId('m-era').selectOption('E1');
  await page.getByTestId('m-fidelity').selectOption('Fixed');
  await page.getByTestId('m-driver').selectOption('nouveau');
  await page.getByTestId('m-apply').click();
  await page.waitForFunction(() => /^nouveau, x86-64, 64 MiB, E1, fixed\b/.test(document.querySelector('[data-testid=machine]').textContent));
  assert.match(page.url(), /&driver=nouveau&era=E1&fidelity=Fixed/);
  await page.screenshot({ path: join(artifacts, 'machine-form.png'), fullPage: true });
  // Invalid combination: swiotlb needs E3.
  await page.getByTestId('m-swiotlb').check();
  await page.getByTestId('m-apply').click();
  assert.match(await text(page.getByTestId('machine-error')), /swiotlb: the DMA-aware pool exists only in era E3/);
  assert.match(await text(page.getByTestId('machine')), /^nouveau, x86-64, 64 MiB, E1, fixed\b/);
  await page.getByTestId('m-ram').fill('lots');
  await page.getByTestId('m-apply').click();
  assert.match(await text(page.getByTestId('machine-error')), /RAM "lots" is not a whole number of MiB/);

  // URL round trip.
  const url = page.url();
  await page.goto(url);
  await page.getByTestId('controls').waitFor();
  assert.match(await text(page.getByTestId('machine')), /^nouveau, x86-64, 64 MiB, E1, fixed\b/);
  assert.equal(await page.getByTestId('m-era').inputValue(), 'E1');
  // Broken machine values: a message, the walkthrough's own machine.
  await page.goto(`${baseUrl}?walkthrough=${WALK}&step=0&zoom=call&era=E9&swiotlb=true`);
  await page.getByTestId('controls').waitFor();
  assert.match(await text(page.getByRole('alert')), /The era parameter "E9" is not E0, E1, E2 or E3/);
  assert.match(await text(page.getByTestId('machine')), /^radeon, x86-64, 64 MiB, E3, faithful$/);
  await page.goto(`${baseUrl}?walkthrough=${WALK}&step=0&zoom=call&era=E1&swiotlb=true`);
  await page.getByTestId('controls').waitFor();
  assert.match(await text(page.getByRole('alert')), /cannot run this walkthrough \(machine\.swiotlb: /);
  assert.match(await text(page.getByTestId('machine')), /^radeon, x86-64, 64 MiB, E3, faithful$/);
});

test('compare: E3 (A) vs E1 (B) on cpu-fault-after-seed diverges first at step 2', async (t) => {
  const page = await openApp(t, { query: '?walkthrough=cpu-fault-after-seed&step=0&zoom=call' });
  await page.getByTestId('m-era').selectOption('E1');
  await page.getByTestId('m-compare').click();
  const cmp = page.getByTestId('compare');
  await cmp.waitFor();
  assert.match(await text(page.getByTestId('first-divergence')), /^First divergence: step 2 \(/);
  assert.equal(await page.getByTestId('compare-row-1').getAttribute('data-first-divergence'), 'true');
  assert.equal(await page.getByTestId('compare-row-0').getAttribute('data-differs'), 'false');
  assert.match(await text(page.getByTestId('compare-row-1')), /first divergence/);
  assert.match(await text(page.getByTestId('compare-a')), /^A: .*E3/);
  assert.match(await text(page.getByTestId('compare-b')), /^B: .*E1/);
  // One cursor: at step 2 A has all 100 pages, B only the prefaulted ones.
  assert.match(await text(page.getByTestId('compare-a').getByTestId('tt-detail')), /100 of 100 pages present/);
  assert.doesNotMatch(await text(page.getByTestId('compare-b').getByTestId('tt-detail')), /100 of 100 pages present/);
  assert.match(await text(page.getByTestId('compare-differences')), /→/);
  await cmp.screenshot({ path: join(artifacts, 'compare.png') });
  await page.getByTestId('compare-row-0').getByRole('button').click();
  assert.equal(await page.getByTestId('compare-step').inputValue(), '0');
  assert.match(await text(page.getByTestId('compare-a').getByTestId('tt-detail')), /0 of 100 pages present/);
  await page.getByTestId('close-compare').click();
  assert.equal(await cmp.count(), 0);
});

test('benchmark mode: a 262,144-page walkthrough plays; frame times, first render and sizes are recorded', async (t) => {
  const page = await browser().newPage({ viewport: { width: 1280, height: 720 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  t.after(() => page.close());
  await page.goto(`${baseUrl}?bench=1`);
  const out = page.getByTestId('bench');
  await out.waitFor({ timeout: 120_000 });
  const figures = JSON.parse(await text(out));
  assert.equal(figures.tt_pages, 262144);
  assert.ok(figures.frames > 0);
  assert.equal(typeof figures.events_played, 'number');
  for (const k of ['load_to_first_interactive_render_ms', 'frame_ms_mean', 'frame_ms_p50', 'frame_ms_p95', 'frame_ms_max']) {
    assert.equal(typeof figures[k], 'number', k);
  }
  assert.match(await text(page.getByTestId('tt-detail')), /of 262,144 pages present/);
  assert.deepEqual(errors, []);
  await page.screenshot({ path: join(artifacts, 'bench.png'), fullPage: true });
  const { distSizes } = await import('./sizes.mjs');
  const report = {
    measured_at: new Date().toISOString(),
    browser: browser().version(),
    ...figures,
    dist: distSizes(join(here, '..', 'dist')),
  };
  writeFileSync(join(artifacts, 'bench.json'), JSON.stringify(report, null, 2) + '\n');
  t.diagnostic(JSON.stringify(report));
});

test('drag and drop: a scenario file dropped on the page is loaded', async (t) => {
  const page = await openWalk(t);
  const body = GOOD.replace('My own scenario from a file', 'Dropped scenario');
  const dt = await page.evaluateHandle((b) => {
    const d = new DataTransfer();
    d.items.add(new File([b], 'dropped.json', { type: 'application/json' }));
    return d;
  }, body);
  await page.locator('.page').dispatchEvent('drop', { dataTransfer: dt });
  await page.getByTestId('walk-title').filter({ hasText: 'Dropped scenario' }).waitFor();
  assert.match(await text(page.getByTestId('position')), /^(boot state, before step 1 of \d+ · call 0|ready for step 1 of \d+ \(.+\) · call [\d,]+) of [\d,]+$/);
});

// ---- pages travel (issue 6) ----------------------------------------------------------------------

const animating = (page) => page.getByTestId('travel').getAttribute('data-animating');

test('pages travel along the kernel\'s path: a refill is system → pool, then pool → tt, leg after leg', async (t) => {
  const page = await openWalk(t, { query: '?exercises=0' });
  const travel = page.getByTestId('travel');
  assert.equal(await travel.getAttribute('aria-hidden'), 'true');
  await button(page, 'Next refill').click();
  // A jump over more than one action is not animated.
  assert.equal(await animating(page), 'false');
  // Step by action with the keyboard: the rest of the populate. The stage, the pool shelf and the
  // tt row are on the first screen, so nothing needs scrolling.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Shift+ArrowRight');
  await page.waitForFunction(() => document.querySelector('[data-testid=travel]').dataset.animating === 'true');
  // The kernel's order (spec 3.5, 3.4): the refill's 512 pages go system → wc pool first, then
  // the pages the tt takes go wc pool → tt 0. Never one net "system → tt" move.
  assert.match(await travel.getAttribute('data-legs'), /^system>pool-0:512 pool-0>tt-0:\d+$/);
  const legs = await page.getByTestId('hops').locator('li').allTextContents();
  assert.equal(legs[0], '512 pages: system memory → pool wc');
  assert.match(legs[1], /^\d+ pages?: pool wc → tt 0$/);
  // One chip per leg, labelled with its count, inside the viewport.
  const chips = await page.locator('.travel-chip').allTextContents();
  assert.equal(chips[0], '512 pages');
  // The narration is not re-rendered while the pages fly.
  await page.evaluate(() => {
    window.__narrationMutations = 0;
    new MutationObserver((m) => (window.__narrationMutations += m.length)).observe(
      document.querySelector('[data-testid=narration]'), { subtree: true, childList: true, characterData: true });
  });
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(artifacts, 'anim-refill-early.png') });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(artifacts, 'anim-refill-mid.png') });
  await page.waitForFunction(() => document.querySelector('[data-testid=travel]').dataset.animating === 'false', null, { timeout: 5000 });
  assert.equal(await page.evaluate(() => window.__narrationMutations), 0);
  await expectPool(page, 'wc', { npages: 492, nrefills: 1 });

  // Unpopulate: the 20 pages go back from the tt to the pool's tail.
  await page.keyboard.press('Shift+ArrowRight');
  await page.waitForFunction(() => document.querySelector('[data-testid=travel]').dataset.animating === 'true');
  assert.equal(await travel.getAttribute('data-legs'), 'tt-0>pool-0:20');
  assert.equal(await travel.getAttribute('data-moves'), '20');
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(artifacts, 'anim-unpopulate-mid.png') });
  await page.waitForFunction(() => document.querySelector('[data-testid=travel]').dataset.animating === 'false', null, { timeout: 5000 });
});

test('pages travel: nothing is animated under prefers-reduced-motion', async (t) => {
  const page = await openWalk(t, { media: { reducedMotion: 'reduce' } });
  await page.evaluate(() => {
    window.__animated = false;
    const el = document.querySelector('[data-testid=travel]');
    new MutationObserver(() => {
      if (el.dataset.animating === 'true') window.__animated = true;
    }).observe(el, { attributes: true });
  });
  await button(page, 'Next refill').click();
  await page.getByTestId('forward-action').click();
  await page.getByTestId('back-action').click();
  await page.getByTestId('forward').click();
  await page.waitForTimeout(700);
  assert.equal(await page.evaluate(() => window.__animated), false);
  assert.equal(await animating(page), 'false');
});

// ---- scenario in the URL, editor drafts ------------------------------------------------------------

test('URL: a scenario from a file is carried in the URL; reloading restores the same step and narration', async (t) => {
  const page = await openWalk(t);
  await page.getByTestId('load-file').setInputFiles(scenarioFile('mine.json', GOOD.replace('Two tts', 'Unicode ✓ é')));
  await page.getByTestId('walk-title').filter({ hasText: 'My own scenario from a file' }).waitFor();
  await page.getByTestId('zoom-change').click();
  for (let i = 0; i < 30; i++) await page.getByTestId('forward').click();
  const url = page.url();
  assert.match(url, /\?scenario=[A-Za-z0-9_-]+&step=\d+&zoom=change$/);
  const snapshot = async () => ({
    title: await text(page.getByTestId('walk-title')),
    goal: await text(page.getByTestId('goal')),
    position: await text(page.getByTestId('position')),
    narration: await text(page.getByTestId('narration')),
    machine: await text(page.getByTestId('machine')),
    pools: await text(page.getByTestId('pools')),
  });
  const before = await snapshot();
  assert.match(before.goal, /Unicode ✓ é/);
  await page.reload();
  await page.getByTestId('controls').waitFor();
  assert.deepEqual(await snapshot(), before);
  assert.equal(page.url(), url);
  assert.equal(await page.getByRole('alert').count(), 0);
});

test('URL: a broken scenario parameter shows a clear message and the default view', async (t) => {
  const page = await openApp(t, { query: '?scenario=not*base64&step=3' });
  assert.match(await text(page.getByRole('alert')), /The scenario in the URL cannot be used \(.*not base64url.*\); showing the default view/);
  assert.match(await text(page.getByTestId('course')), /Lesson 1: /);
  // Valid base64url, but not a scenario.
  await page.goto(`${baseUrl}?scenario=${Buffer.from('{"format": "nope"}').toString('base64url')}`);
  await page.getByRole('alert').waitFor();
  assert.match(await text(page.getByRole('alert')), /The scenario in the URL cannot be used/);
  assert.match(await text(page.getByTestId('course')), /Lesson 1: /);
});

test('editor: a typed draft survives opening another walkthrough and a reload, and can be restored', async (t) => {
  const page = await openWalk(t);
  await openEditor(page);
  const editor = page.getByTestId('editor');
  const draft = GOOD.replace('My own scenario from a file', 'My unsaved draft');
  await editor.fill(draft);
  assert.equal(await page.getByTestId('draft-note').count(), 0, 'no note while the draft is in the editor');
  await page.getByTestId('walkthrough-select').selectOption('eviction-order');
  await button(page, 'Open').click();
  await page.getByTestId('walk-title').filter({ hasNotText: 'A WC tt is populated' }).waitFor();
  assert.doesNotMatch(await editor.inputValue(), /My unsaved draft/, 'the editor shows the opened walkthrough');
  assert.match(await text(page.getByTestId('draft-note')), /Your own draft \(\d+ lines\) is kept/);
  await page.reload();
  await page.getByTestId('controls').waitFor();
  await page.getByTestId('load-bar').screenshot({ path: join(artifacts, 'draft-kept.png') });
  await page.getByTestId('restore-draft').click();
  await openEditor(page);
  assert.equal(await page.getByTestId('editor').inputValue(), draft);
  assert.equal(await page.getByTestId('draft-note').count(), 0);
  // Loading a file does not lose it either.
  await page.getByTestId('load-file').setInputFiles(scenarioFile('other.json', GOOD));
  await page.getByTestId('walk-title').filter({ hasText: 'My own scenario from a file' }).waitFor();
  await page.getByTestId('restore-draft').click();
  assert.equal(await page.getByTestId('editor').inputValue(), draft);
});

test('pages travel: swap-out sends the contents to swap and the pages away; swap-in brings them back', async (t) => {
  const page = await openApp(t, { query: '?walkthrough=swap-cycle-bo&step=0&zoom=action&exercises=0' });
  await page.getByTestId('controls').waitFor();
  await page.getByRole('button', { name: /^Go to the end of step 3: / }).click();
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  const travel = page.getByTestId('travel');
  const expected = {
    // spec 2.8: the contents are copied into the shmem file, then the (cached) pages are freed.
    swapout: /contents of \d+ pages: tt 0 → swap file 0/,
    // spec 2.9: pages are allocated for the tt, then the contents come back from the file.
    swapin: /contents of \d+ pages: swap file 0 → tt 0/,
  };
  for (const name of ['swapout', 'swapin']) {
    await page.keyboard.press('Shift+ArrowRight');
    await page.waitForFunction(() => document.querySelector('[data-testid=travel]').dataset.animating === 'true');
    assert.ok(Number(await travel.getAttribute('data-moves')) > 0, `${name}: pages moved`);
    const legs = (await page.getByTestId('hops').locator('li').allTextContents()).join(' | ');
    assert.match(legs, expected[name], `${name}: ${legs}`);
    await page.waitForTimeout(180);
    await page.screenshot({ path: join(artifacts, `anim-${name}.png`) });
    await page.waitForFunction(() => document.querySelector('[data-testid=travel]').dataset.animating === 'false', null, { timeout: 5000 });
  }
});

// ---- Embed mode, the postMessage API and the Content-Security-Policy (docs/embedding.md) ----

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

/** A second loopback server for dist/ with the CSP header on every response and the host page. */
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

/** A page that fails the test on console errors (any frame), page errors and CSP violations. */
async function watchedPage(t, viewport = { width: 1100, height: 900 }) {
  const page = await browser().newPage({ viewport });
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  t.after(async () => {
    await page.close();
    assert.deepEqual(errors, [], 'the page logged errors');
  });
  return page;
}

test('embed: range, forced theme, clamping message and the Open in TTM Lab link', async (t) => {
  const page = await watchedPage(t, { width: 900, height: 700 });
  await page.goto(baseUrl + '?embed=1&walkthrough=pool-refill&from=3&to=40&theme=dark');
  const embed = page.getByTestId('embed');
  await embed.waitFor({ timeout: 15_000 });
  assert.equal(await embed.getAttribute('data-pos'), '3');
  assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
  assert.equal(await page.getByTestId('picker').count(), 0, 'no picker in the embed');
  assert.equal(await page.getByTestId('url-notice').count(), 0);
  const link = page.getByTestId('open-full');
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.match(await link.getAttribute('href'), /walkthrough=pool-refill&step=3/);
  await page.getByTestId('end').click();
  assert.equal(await embed.getAttribute('data-pos'), '40');
  assert.ok(await page.getByTestId('forward').isDisabled());
  await page.screenshot({ path: join(artifacts, 'embed-dark.png') });
  // Out of range and broken values: clamped, and said so.
  await page.goto(baseUrl + '?embed=1&walkthrough=pool-refill&from=abc&to=999999&theme=pink');
  await embed.waitFor();
  const notice = await text(page.getByTestId('url-notice'));
  assert.match(notice, /from parameter "abc"/);
  assert.match(notice, /to parameter 999999 is past the end/);
  assert.match(notice, /theme parameter "pink"/);
  await page.screenshot({ path: join(artifacts, 'embed-clamped.png') });
  await page.goto(baseUrl + '?embed=1&walkthrough=no-such-walk');
  await page.getByTestId('url-notice').waitFor();
  assert.match(await text(page.getByTestId('url-notice')), /no-such-walk/);
});

test('embed: autoplay with loop wraps around its range', async (t) => {
  const page = await watchedPage(t);
  await page.goto(baseUrl + '?embed=1&walkthrough=pool-refill&from=5&to=9&autoplay=1&loop=1');
  const embed = page.getByTestId('embed');
  await embed.waitFor({ timeout: 15_000 });
  assert.equal(await embed.getAttribute('data-playing'), 'true');
  await page.waitForFunction(() => document.querySelector('[data-testid=embed]').dataset.pos === '9', null, { timeout: 10_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid=embed]').dataset.pos === '5', null, { timeout: 10_000 });
  assert.equal(await embed.getAttribute('data-playing'), 'true');
});

test('the full app offers an iframe snippet for the current step', async (t) => {
  const page = await openApp(t, { query: `?walkthrough=${WALK}&step=30` });
  await page.getByTestId('embed-button').click();
  const code = await page.getByTestId('embed-snippet').inputValue();
  assert.match(code, /^<iframe title="TTM Lab: [^"]+" width="\d+" height="\d+"/);
  const src = code.match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
  const u = new URL(src);
  assert.equal(u.searchParams.get('embed'), '1');
  assert.equal(u.searchParams.get('walkthrough'), WALK);
  const [from, to] = [Number(u.searchParams.get('from')), Number(u.searchParams.get('to'))];
  assert.ok(from <= 30 && 30 <= to, `${from}..${to} holds 30`);
  // The range holds the exercise before step 2, so the embed asks it too.
  assert.equal(u.searchParams.get('exercises'), '1');
  // Copy puts the snippet on the clipboard.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(baseUrl).origin });
  await page.getByTestId('embed-copy').click();
  assert.equal(await text(page.getByTestId('embed-copy-status')), 'Copied.');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), code);
  await page.getByTestId('embed-snippet').screenshot({ path: join(artifacts, 'embed-snippet.png') });
});

test('embed in a host page under the CSP: goto/play/pause messages, step events, bad messages ignored', async (t) => {
  const base = await cspServer(t);
  const page = await watchedPage(t);
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  const src = './?embed=1&walkthrough=pool-refill&from=3&to=40&theme=light';
  const res = await page.goto(`${base}host.html?src=${encodeURIComponent(src)}`);
  assert.equal(res.headers()['content-security-policy'], CSP);
  const frame = page.frameLocator('#lab');
  const embed = frame.getByTestId('embed');
  await embed.waitFor({ timeout: 15_000 });
  await page.waitForFunction(() => window.events.some((e) => e.step === 3));
  const first = await page.evaluate(() => window.events.at(-1));
  assert.equal(first.of > 40, true);
  assert.equal(typeof first.action, 'string');
  // goto
  await page.evaluate(() => window.send({ type: 'ttm-lab', command: 'goto', step: 20 }));
  await page.waitForFunction(() => window.events.some((e) => e.step === 20));
  assert.equal(await embed.getAttribute('data-pos'), '20');
  // Wrong shapes: ignored, no panic.
  for (const m of [null, 42, 'goto', [1, 2], { type: 'other', command: 'goto', step: 5 },
    { type: 'ttm-lab', command: 'goto', step: -1 }, { type: 'ttm-lab', command: 'goto', step: 'x' },
    { type: 'ttm-lab', command: 'goto', step: 1.5 }, { type: 'ttm-lab', command: 'explode' }, { type: 'ttm-lab' }]) {
    await page.evaluate((msg) => window.send(msg), m);
  }
  await page.waitForTimeout(200);
  assert.equal(await embed.getAttribute('data-pos'), '20');
  // goto out of range: clamped to the range.
  await page.evaluate(() => window.send({ type: 'ttm-lab', command: 'goto', step: 1000000 }));
  await page.waitForFunction(() => window.events.at(-1).step === 40);
  // play / pause
  await page.evaluate(() => window.send({ type: 'ttm-lab', command: 'goto', step: 3 }));
  await page.evaluate(() => window.send({ type: 'ttm-lab', command: 'play' }));
  await page.waitForFunction(() => window.events.at(-1).step > 4, null, { timeout: 10_000 });
  await page.evaluate(() => window.send({ type: 'ttm-lab', command: 'pause' }));
  assert.equal(await embed.getAttribute('data-playing'), 'false');
  const paused = await embed.getAttribute('data-pos');
  await page.waitForTimeout(1200);
  assert.equal(await embed.getAttribute('data-pos'), paused, 'paused: no more moves');
  await page.screenshot({ path: join(artifacts, 'embed-host-csp.png') });
  assert.deepEqual(violations, []);
});

/** Reads a ZIP's central directory: [{name, size}] (STORE archives, as the app writes them). */
function zipEntries(buf) {
  const eocd = buf.length - 22;
  assert.equal(buf.readUInt32LE(eocd), 0x06054b50, 'end of central directory');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const out = [];
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50, 'central directory entry');
    const size = buf.readUInt32LE(at + 24);
    const nameLen = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    out.push({ name, size, data: buf.subarray(dataAt, dataAt + size) });
    at += 46 + nameLen + extra + comment;
  }
  return out;
}

test('export: this position as PNG and SVG, steps as a ZIP of frames, the trace as JSON', async (t) => {
  const page = await openApp(t, { query: `?walkthrough=${WALK}&step=1913` });
  await page.getByTestId('controls').waitFor();
  await page.getByTestId('export-button').click();
  const download = async (testid, file) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
    const path = join(artifacts, file);
    await d.saveAs(path);
    return [d.suggestedFilename(), readFileSync(path)];
  };
  const [pngName, png] = await download('export-png', 'export-step.png');
  assert.equal(pngName, 'ttm-lab-pool-refill-event-1913.png');
  assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG file');
  // 960 CSS px at 2x.
  assert.equal(png.readUInt32BE(16), 1920, 'PNG width');
  const [svgName, svg] = await download('export-svg', 'export-step.svg');
  assert.equal(svgName, 'ttm-lab-pool-refill-event-1913.svg');
  const doc = svg.toString('utf8');
  assert.match(doc, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  // W3 at the end of the populate: 20 of 20 pages in tt 0, 492 left in the wc pool.
  assert.match(doc, /20 of 20 pages/);
  assert.match(doc, /wc pool: 492 pages/);
  assert.match(doc, /step 2 of 3 \(populate tt 0\) · call [\d,]+ of [\d,]+/);
  // The SVG is a well-formed image the browser can draw.
  const drawn = await page.evaluate(async (text) => {
    const img = new Image();
    img.src = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
    await img.decode();
    return [img.naturalWidth, img.naturalHeight];
  }, doc);
  assert.equal(drawn[0], 960);
  assert.ok(drawn[1] > 300, `height ${drawn[1]}`);

  // Steps 1-3, one frame per action: before step 1 and after each step = 4 frames.
  await page.getByTestId('frames-from').selectOption('0');
  await page.getByTestId('frames-to').selectOption('2');
  assert.equal(await text(page.getByTestId('frames-count')), '4 frames');
  const [zipName, zip] = await download('export-frames', 'export-frames.zip');
  assert.equal(zipName, 'ttm-lab-pool-refill-steps-1-3-png.zip');
  await page.waitForFunction(() => /^Downloaded 4 frames/.test(document.querySelector('[data-testid=export-status]')?.textContent));
  assert.equal(await page.getByTestId('export-frames').isDisabled(), false, 'ready for another');
  const entries = zipEntries(zip);
  assert.deepEqual(entries.map((e) => e.name),
    ['pool-refill-0001.png', 'pool-refill-0002.png', 'pool-refill-0003.png', 'pool-refill-0004.png', 'frames.json']);
  for (const e of entries.slice(0, 4)) assert.deepEqual([...e.data.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const index = JSON.parse(entries[4].data.toString('utf8'));
  assert.equal(index.walkthrough, 'pool-refill');
  assert.deepEqual(index.frames.map((f) => f.event).slice(2), [1913, 2097], 'frames end at the ends of steps 2 and 3');
  assert.match(index.frames[3].step, /^step 3 of 3 \(unpopulate tt 0\) · call ([\d,]+) of \1$/);
  // SVG frames by change, and a range too long for one ZIP is refused before downloading.
  await page.getByTestId('frames-format').selectOption('svg');
  await page.getByTestId('frames-from').selectOption('2');
  const [, svgZip] = await download('export-frames', 'export-frames-svg.zip');
  assert.ok(zipEntries(svgZip).every((e) => e.name === 'frames.json' || e.data.toString('utf8').startsWith('<svg')));
  await page.getByTestId('frames-from').selectOption('0');
  await page.getByTestId('frames-zoom').selectOption('change');
  assert.match(await text(page.getByTestId('frames-count')), /more than 500 frames/);
  assert.equal(await page.getByTestId('export-frames').isDisabled(), true);

  // The run as `ttm-lab run pool-refill --json --trace` prints it (ttm_core::scenario::report).
  const [jsonName, json] = await download('export-json', 'export-run.json');
  assert.equal(jsonName, 'ttm-lab-pool-refill-run.json');
  const report = JSON.parse(json.toString('utf8'));
  const len = Number(await page.getByTestId('scrubber').getAttribute('max'));
  assert.equal(report.trace.length, len, 'one entry per trace event');
  assert.equal(report.name, 'pool-refill');
  assert.equal(report.steps.length, 3);
  assert.deepEqual(report.mismatches, []);
  // The final state, W4: all 20 pages back, 512 in the wc pool.
  assert.equal(report.pools.find((p) => p.name === 'wc').npages, 512);
  await page.getByTestId('export-panel').screenshot({ path: join(artifacts, 'export-panel.png') });
});

test('book: a chapter embeds a live walkthrough; the host page follows its steps', async (t) => {
  // The book (docs/book, built by scripts/test.sh into dist/book/) sits next to the app.
  const page = await watchedPage(t, { width: 1280, height: 900 });
  const offsite = [];
  page.on('request', (r) => { if (!r.url().startsWith(baseUrl)) offsite.push(r.url()); });
  page.on('requestfailed', (r) => offsite.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  await page.goto(baseUrl + 'book/page-pools.html');
  assert.match(await page.title(), /Page pools/);
  // The book links to the app from every page's menu bar (and the app to the book: "Book").
  assert.match(await page.getByTestId('book-app-link').getAttribute('href'), /\/index\.html$/);
  const iframe = page.locator('iframe.ttm-lab').first();
  assert.match(await iframe.getAttribute('src'), /^\.\.\/index\.html\?embed=1&walkthrough=pool-refill&from=18&to=2097&exercises=1$/);
  assert.match(await iframe.getAttribute('title'), /^TTM Lab walkthrough: /);
  await iframe.scrollIntoViewIfNeeded();
  const embed = page.frameLocator('iframe.ttm-lab >> nth=0').getByTestId('embed');
  await embed.waitFor({ timeout: 15_000 });
  const caption = page.getByTestId('lab-caption').first();
  const captionAt = (step) => page.waitForFunction(
    (s) => document.querySelector('[data-testid=lab-caption]').dataset.step === s, String(step), { timeout: 10_000 });
  // The embed reports its starting position; the host shows it.
  await captionAt(18);
  assert.match(await text(caption), /^At ready for step 1 of 3 \(.+\) · call \d+ of [\d,]+$/);
  // The host page's own "next step" button drives the frame, and the caption follows.
  await page.getByTestId('lab-next').first().click();
  await captionAt(19);
  assert.equal(await embed.getAttribute('data-pos'), '19');
  // The frame's own controls: the host hears that step change too.
  await page.frameLocator('iframe.ttm-lab >> nth=0').getByTestId('forward').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=lab-caption]').dataset.step) > 19);
  assert.equal(await caption.getAttribute('data-step'), await embed.getAttribute('data-pos'));
  // A "jump to" button of the host page stops at the frame's unanswered question first…
  const frame = page.frameLocator('iframe.ttm-lab >> nth=0');
  await page.getByTestId('lab-stop').first().click();
  await frame.getByTestId('exercise').waitFor();
  assert.ok(Number(await caption.getAttribute('data-step')) < 1913, 'held before step 2');
  // …answered or skipped, the jump goes through: the end of populate (W3).
  await frame.getByTestId('exercise-skip').click();
  await page.getByTestId('lab-stop').first().click();
  await captionAt(1913);
  assert.equal(await embed.getAttribute('data-pos'), '1913');
  assert.match(await text(caption), /^At step 2 of 3 \(populate tt 0\) · call [\d,]+ of [\d,]+$/);
  await page.screenshot({ path: join(artifacts, 'book-page-pools.png') });
  assert.deepEqual(offsite, [], 'the book loads nothing from other origins');
});

test('exercises: predict the wc pool before each step, get the model’s answer and why, then see it happen', async (t) => {
  const page = await openWalk(t);
  assert.equal(await text(page.getByTestId('ask-mark-1')), '? predict');
  // It opens ready for step 1; forward by action: the end of step 1, just before step 2, the first
  // marked step (W3).
  assert.equal(await page.getByTestId('exercise').count(), 0);
  await page.getByTestId('forward-action').click();
  const card = page.getByTestId('exercise');
  await card.waitFor();
  assert.equal(await card.getAttribute('data-step'), '1');
  assert.equal(await text(page.getByTestId('exercise-prompt')),
    'After "populate tt 0", how many pages will the wc pool hold?');
  assert.match(await text(page.getByTestId('position')), /^step 1 of 3 \(/, 'step 2 has not run');
  // The chart does not give the answer away while the question waits.
  assert.equal(await page.getByTestId('chart-hidden').count(), 1);
  assert.doesNotMatch(await text(page.getByTestId('chart-summary')), /492|512/);
  await page.getByTestId('exercise-input').fill('500');
  await page.getByTestId('exercise-check').click();
  // Answered: the chart shows up to the next question (before step 3): the refill (512 pages, then
  // one fewer per page taken; the chart's 800 samples may fall just after the peak).
  assert.equal(await page.getByTestId('chart-hidden').count(), 1);
  assert.match(await text(page.getByTestId('chart-summary')), /wc pool: 0 pages to 5(0[5-9]|1[0-2]) pages/);
  assert.equal(await text(page.getByTestId('exercise-result').locator('strong')),
    '✗ Not quite: you said 500; the model says 492.');
  assert.ok((await text(page.getByTestId('exercise-why'))).length > 40, 'an explanation');
  assert.equal(await text(page.getByTestId('exercise-score')), 'Score: 0 right of 1 answered · 2 questions in this walkthrough · reset my answers');
  assert.equal(await text(page.getByTestId('ask-mark-1')), '✗ predicted');
  await page.screenshot({ path: join(artifacts, 'exercise-wrong.png') });
  // "Play step" plays the step, animated, and pauses at its end; the verdict stays beside it.
  await page.getByTestId('exercise-reveal').click();
  await page.getByTestId('play').getByText('Pause').waitFor();
  assert.equal(await page.getByTestId('exercise').count(), 1, 'the verdict stays while the step plays');
  await page.waitForFunction(() => document.querySelector('[data-testid=play]')?.textContent.includes('Play'), null, { timeout: 30_000 });
  await expectPool(page, 'wc', { npages: 492, nrefills: 1 });
  // The next step is marked too (W4): answered right this time, with a separator.
  await card.waitFor();
  assert.equal(await card.getAttribute('data-step'), '2');
  await page.getByTestId('exercise-input').fill('5 12');
  await page.getByTestId('exercise-input').press('Enter');
  assert.equal(await text(page.getByTestId('exercise-result').locator('strong')), '✓ Right: 512.');
  assert.equal(await page.getByTestId('chart-hidden').count(), 0, 'all answered: the whole trace');
  assert.equal(await text(page.getByTestId('exercise-score')), 'Score: 1 right of 2 answered · 2 questions in this walkthrough · reset my answers');
  await page.screenshot({ path: join(artifacts, 'exercise-right.png') });
  await page.getByTestId('exercise-reveal').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=play]')?.textContent.includes('Play')
    && document.querySelector('[data-testid=position]')?.dataset.pos === document.querySelector('[data-testid=position]')?.dataset.len, null, { timeout: 30_000 });
  await expectPool(page, 'wc', { npages: 512 });
  const [pos, len] = await position(page);
  assert.equal(pos, len);
  // Going back shows the answer given; answered questions no longer stop a forward move.
  await page.getByTestId('back-action').click();
  assert.equal(await text(page.getByTestId('exercise-result').locator('strong')), '✓ Right: 512.');
  await page.getByTestId('start').click();
  await page.getByTestId('zoom-change').click();
  for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowRight');
  assert.ok((await position(page))[0] > 25, 'stepping by change went past the answered questions');
});

test('exercises: a choice question (which BO is evicted, W19) and skipping', async (t) => {
  const page = await openApp(t, { query: '?walkthrough=eviction-order' });
  await page.getByTestId('controls').waitFor();
  // It opens ready for step 1; steps 1 and 2, then the question before step 3.
  for (let i = 0; i < 2; i++) await page.getByTestId('forward-action').click();
  await page.getByTestId('exercise').waitFor();
  assert.match(await text(page.getByTestId('exercise-prompt')), /which buffer object is evicted\?$/);
  const options = await page.getByTestId('exercise').locator('.choices button').allTextContents();
  assert.deepEqual(options, ['BO 0', 'BO 1']);
  // The keyboard is in the question already (its first choice); Enter answers; focus moves to
  // "Play step", Enter plays it.
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'exercise-choice-0');
  await page.keyboard.press('Enter');
  assert.equal(await text(page.getByTestId('exercise-result').locator('strong')), '✓ Right: BO 0.');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'exercise-reveal');
  const before = (await position(page))[0];
  await page.keyboard.press('Enter');
  await page.waitForFunction((b) => Number(document.querySelector('[data-testid=position]').dataset.pos) > b
    && document.querySelector('[data-testid=play]').textContent.includes('Play'), before, { timeout: 60_000 });
  // The next marked step (A comes back): skip it without answering; it is marked so, and the
  // step can then be played.
  await page.getByTestId('forward-action').click();
  await page.getByTestId('exercise-skip').click();
  assert.equal(await text(page.getByTestId('ask-mark-3')), '– skipped');
  assert.match(await text(page.getByTestId('exercise-result')), /^Skipped\. The model's answer: /);
  await playStep(page);
  const [pos, len] = await position(page);
  assert.equal(pos, len);
});

test('random problems: a seed in the URL, answers checked against the state, links for a class', async (t) => {
  const page = await openApp(t, { query: '?problem=17&difficulty=1' });
  await page.getByTestId('controls').waitFor();
  assert.equal(await text(page.getByTestId('walk-title')), 'Random problem 17 (difficulty 1)');
  assert.match(page.url(), /\?problem=17&difficulty=1&step=\d+&zoom=/);
  // The picker does not go blank: a problem is not one of its entries.
  assert.notEqual(await page.getByTestId('walkthrough-select').inputValue(), '');
  // Answer every question badly on purpose, then check the model's answer against what the page
  // shows once the step has run.
  let pools = 0;
  for (let k = 0; k < 10; k++) {
    const [pos, len] = await position(page);
    if (pos === len) break;
    await page.getByTestId('forward-action').click();
    if (await page.getByTestId('exercise').count() === 0) continue;
    const prompt = await text(page.getByTestId('exercise-prompt'));
    if (await page.getByTestId('exercise-input').count()) {
      await page.getByTestId('exercise-input').fill('999999');
      await page.getByTestId('exercise-check').click();
    } else {
      await page.getByTestId('exercise').locator('.choices button').first().click();
    }
    const verdict = await text(page.getByTestId('exercise-result').locator('strong'));
    const said = verdict.match(/(?:the model says|Right:) (.+)\.$/)[1];
    await playStep(page);
    const pool = prompt.match(/how many pages will the (\w+) pool hold\?/);
    if (pool) {
      await expectPool(page, pool[1], { npages: Number(said) });
      pools += 1;
    }
  }
  assert.ok(pools >= 1, 'difficulty 1 asks about a pool');
  // The form: another seed and difficulty.
  await page.getByTestId('problem-seed').fill('x');
  assert.equal(await page.getByTestId('problem-open').isDisabled(), true);
  assert.match(await text(page.getByTestId('problem-error')), /whole number/);
  await page.getByTestId('problem-seed').fill('23');
  await page.getByTestId('problem-level').selectOption('3');
  await page.getByTestId('problem-open').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=walk-title]').textContent.includes('23'));
  assert.equal(await text(page.getByTestId('walk-title')), 'Random problem 23 (difficulty 3)');
  assert.match(page.url(), /\?problem=23&difficulty=3&/);
  await page.getByTestId('problem-class').fill('3');
  await page.getByTestId('problem-links-make').click();
  const links = (await page.getByTestId('problem-links').inputValue()).split('\n');
  assert.equal(links.length, 3);
  assert.match(links[1], /^Student 2: http:\/\/127\.0\.0\.1:\d+\/\?problem=24&difficulty=3$/);
  await page.getByTestId('problem-form').screenshot({ path: join(artifacts, 'problem-form.png') });
  // A student's link opens their own problem.
  const student = await openApp(t, { query: links[1].replace(/^Student 2: http:\/\/[^/]+\//, '') });
  await student.getByTestId('controls').waitFor();
  assert.equal(await text(student.getByTestId('walk-title')), 'Random problem 24 (difficulty 3)');
});

test('random problems: broken URL values are explained, never a panic', async (t) => {
  for (const [q, says] of [['?problem=abc', /not a whole number/], ['?problem=5&difficulty=9', /not 1, 2 or 3/],
    ['?difficulty=2', /no problem seed/]]) {
    const page = await openApp(t, { query: q });
    await page.getByTestId('url-notice').waitFor();
    assert.match(await text(page.getByTestId('url-notice')), says, q);
  }
});

test('book: every chapter has exercises; an answer in a frame is scored by the host page', async (t) => {
  const page = await watchedPage(t, { width: 1280, height: 900 });
  for (const chapter of ['tt-lifecycle', 'page-pools', 'accounting-and-swap', 'placement-and-eviction', 'drivers', 'seed-commit', 'then-and-now']) {
    await page.goto(`${baseUrl}book/${chapter}.html`);
    const asks = await page.locator('iframe.ttm-lab[src*="exercises=1"]').count();
    assert.ok(asks >= 1, `${chapter} embeds an exercise`);
  }
  await page.goto(baseUrl + 'book/page-pools.html');
  await page.locator('iframe.ttm-lab').first().scrollIntoViewIfNeeded();
  const frame = page.frameLocator('iframe.ttm-lab >> nth=0');
  await frame.getByTestId('embed').waitFor({ timeout: 15_000 });
  for (let i = 0; i < 20 && await frame.getByTestId('exercise').count() === 0; i++) {
    await frame.getByTestId('forward').click();
  }
  assert.match(await text(frame.getByTestId('exercise-prompt')), /wc pool hold\?$/);
  await frame.getByTestId('exercise-input').fill('492');
  await frame.getByTestId('exercise-check').click();
  assert.equal(await text(frame.getByTestId('exercise-result').locator('strong')), '✓ Right: 492.');
  const score = page.getByTestId('lab-score').first();
  await page.waitForFunction(() => document.querySelector('[data-testid=lab-score]').dataset.answered === '1');
  assert.equal(await text(score), 'Your predictions here: 1 right of 1');
  await page.locator('iframe.ttm-lab').first().screenshot({ path: join(artifacts, 'book-exercise.png') });
});

test('exercises: what a failing step returns (W10), with the result hidden until answered', async (t) => {
  const page = await openApp(t, { query: '?walkthrough=accounting-limit-d1' });
  await page.getByTestId('controls').waitFor();
  for (let i = 0; i < 3; i++) await page.getByTestId('forward-action').click();
  await page.getByTestId('exercise').waitFor();
  assert.equal(await text(page.getByTestId('exercise-prompt')), 'What does "populate tt 0" return?');
  assert.doesNotMatch(await text(page.getByRole('list', { name: 'Steps of the walkthrough' })), /ENOMEM/, 'the steps list hides the result');
  await page.getByRole('button', { name: '-ENOMEM', exact: true }).click();
  assert.equal(await text(page.getByTestId('exercise-result').locator('strong')), '✓ Right: -ENOMEM.');
  assert.match(await text(page.getByRole('list', { name: 'Steps of the walkthrough' })), /→ -ENOMEM/);
});
