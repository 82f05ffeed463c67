// The <ttm-lab> element (static/ttm-lab-embed.js, in dist/ as ttm-lab-embed.js; docs/embedding.md)
// in host pages served under the CSP `script-src 'self' 'wasm-unsafe-eval'`: the frame it creates
// (title, address, height from the embed's own report), its goto / play / pause methods, its
// ttmlab-step / ttmlab-answer events, the versioned postMessage messages underneath, and the
// same from a page on another origin than the app (localhost vs 127.0.0.1).
// This file serves dist/ itself (with the host pages it writes), so it needs only dist/ built.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, 'artifacts');
const dist = join(here, '..', 'dist');
const chrome = JSON.parse(readFileSync(join(here, 'chromium.json'), 'utf8'))['goog:chromeOptions'];
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml' };
let browser;
let server;
let port;

// The host page's own script (external: the CSP allows no inline script). It records the
// element's events and every raw message from the frame.
const HOST_JS = `
window.events = [];
window.answers = [];
window.raw = [];
document.addEventListener('ttmlab-step', (e) => window.events.push(e.detail));
document.addEventListener('ttmlab-answer', (e) => window.answers.push(e.detail));
window.addEventListener('message', (e) => { if (e.data && e.data.type === 'ttm-lab') window.raw.push({ origin: e.origin, ...e.data }); });
`;
const hostPage = (labAttrs) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A page embedding TTM Lab (element)</title>
<script src="/host/element.js"></script>
<script src="/ttm-lab-embed.js" defer></script></head>
<body><main><h1>A documentation page</h1>
<ttm-lab ${labAttrs}><a href="/?walkthrough=pool-refill&amp;step=18" id="fallback">pool-refill in TTM Lab</a></ttm-lab>
<p>Text after the walkthrough.</p></main></body></html>`;
const PAGES = {
  '/host/element.js': HOST_JS,
  '/favicon.ico': readFileSync(join(here, '..', 'static', 'favicon.svg')),
  '/host/same.html': hostPage('walkthrough="pool-refill" from="18" to="2097" exercises title="TTM Lab walkthrough: pool refill (e2e)"'),
};
const csp = () => `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; frame-src 'self' http://127.0.0.1:${port}`;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const page = path === '/host/cross.html'
      ? hostPage(`src="http://127.0.0.1:${port}/" walkthrough="pool-refill" from="3" to="40" theme="dark" title="TTM Lab walkthrough: from another origin"`)
      : PAGES[path];
    // A page loading the embed script from the app's origin lists that origin in script-src.
    const policy = path === '/host/pasted.html' ? csp().replace("'wasm-unsafe-eval'", `'wasm-unsafe-eval' http://127.0.0.1:${port}`) : csp();
    const head = { 'cache-control': 'no-store', 'content-security-policy': policy };
    if (page !== undefined) {
      res.writeHead(200, { ...head, 'content-type': types[extname(path)] ?? 'image/svg+xml' }).end(page);
      return;
    }
    let file = normalize(join(dist, path));
    if (file !== dist && !file.startsWith(dist + sep)) return res.writeHead(403).end();
    if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...head, 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404, head).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  port = server.address().port;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? chrome.binary,
    args: chrome.args.filter((a) => a !== '--headless'),
    headless: true,
  });
});
after(async () => {
  await browser?.close();
  server?.close();
});

/** A page failing the test on console errors, page errors and CSP violations (any frame). */
async function watched(t, viewport = { width: 1000, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  t.after(async () => {
    await page.close();
    assert.deepEqual(errors, [], 'errors or CSP violations');
  });
  return page;
}

const lastStep = (page, step) => page.waitForFunction((s) => window.events.at(-1)?.step === s, step, { timeout: 10_000 });

test('element: under the CSP, it makes a titled frame sized to the embed, and goto/play/pause and its events work', async (t) => {
  const page = await watched(t);
  const res = await page.goto(`http://127.0.0.1:${port}/host/same.html`);
  assert.match(res.headers()['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval'/);
  const lab = page.locator('ttm-lab');
  const frame = lab.locator('iframe');
  // The fallback link gave way to the frame, which has a title for screen readers.
  assert.equal(await page.locator('#fallback').count(), 0);
  assert.equal(await frame.getAttribute('title'), 'TTM Lab walkthrough: pool refill (e2e)');
  assert.equal(await frame.getAttribute('src'),
    `http://127.0.0.1:${port}/?embed=1&walkthrough=pool-refill&from=18&to=2097&exercises=1`);
  const embed = page.frameLocator('ttm-lab iframe').getByTestId('embed');
  await embed.waitFor({ timeout: 15_000 });
  // Loaded: the first ttmlab-step event, and the element's properties.
  await lastStep(page, 18);
  assert.deepEqual(await lab.evaluate((l) => [l.ready, l.step, l.of, l.action]), [true, 18, 2097, 'device setup']);
  // The position in the app's words too (one numbering everywhere): 18 is where step 1 starts.
  assert.match(await lab.evaluate((l) => l.position), /^ready for step 1 of 3 \(.+\) · call \d+ of [\d,]+$/);
  // Every message of the embed carries the protocol version, and one reports its height.
  await page.waitForFunction(() => window.raw.some((m) => m.event === 'height'));
  const raw = await page.evaluate(() => window.raw);
  assert.ok(raw.every((m) => m.version === 1), JSON.stringify(raw.slice(0, 3)));
  // The frame is as tall as the embed's content: its column is not held shorter (no inner scroll
  // bar in the stage) and has no room to spare below the stage.
  const reported = raw.filter((m) => m.event === 'height').at(-1).height;
  assert.equal(await frame.evaluate((f) => f.dataset.height), 'content');
  assert.equal(await frame.evaluate((f) => f.clientHeight), Math.ceil(reported));
  const fit = await page.frameLocator('ttm-lab iframe').locator('[data-testid=stage]').evaluate((s) => [s.scrollHeight, s.clientHeight]);
  assert.ok(fit[0] <= fit[1] + 1, `the stage does not scroll inside the frame: ${fit}`);
  // goto: the embed moves, the element reports it; going forward it stops first at the frame's
  // unanswered question (a host cannot skip the exercises), which the reader can then skip.
  await lab.evaluate((l) => l.goto(1913));
  await page.frameLocator('ttm-lab iframe').getByTestId('exercise').waitFor();
  assert.ok(await lab.evaluate((l) => l.step) < 1913, 'held at the question');
  await page.frameLocator('ttm-lab iframe').getByTestId('exercise-skip').click();
  await lab.evaluate((l) => l.goto(1913));
  await lastStep(page, 1913);
  assert.equal(await embed.getAttribute('data-pos'), '1913');
  assert.equal(await lab.evaluate((l) => l.step), 1913);
  // Not a position: refused by the element itself.
  for (const bad of [-1, 1.5, '3', null]) {
    const err = await lab.evaluate((l, b) => { try { l.goto(b); return 'accepted'; } catch (e) { return e.name; } }, bad);
    assert.equal(err, 'RangeError', `goto(${JSON.stringify(bad)})`);
  }
  // A command for another protocol version is ignored by the embed; version 1 is obeyed.
  await page.evaluate(() => document.querySelector('ttm-lab iframe').contentWindow.postMessage({ type: 'ttm-lab', version: 2, command: 'goto', step: 30 }, '*'));
  await page.waitForTimeout(300);
  assert.equal(await embed.getAttribute('data-pos'), '1913');
  // A message that does not come from the frame is not taken for the embed's.
  await page.evaluate(() => window.postMessage({ type: 'ttm-lab', version: 1, event: 'step', step: 5, of: 9, action: 'fake' }, '*'));
  await page.waitForTimeout(200);
  assert.equal(await lab.evaluate((l) => l.step), 1913);
  // play, then pause.
  await lab.evaluate((l) => { l.goto(18); l.play(); });
  await page.waitForFunction(() => window.events.at(-1).step > 19, null, { timeout: 10_000 });
  await lab.evaluate((l) => l.pause());
  await page.waitForFunction(() => document.querySelector('ttm-lab iframe') && true);
  const frameEl = page.frameLocator('ttm-lab iframe');
  await frameEl.getByTestId('embed').and(frameEl.locator('[data-playing=false]')).waitFor();
  const paused = await lab.evaluate((l) => l.step);
  await page.waitForTimeout(1000);
  assert.equal(await lab.evaluate((l) => l.step), paused, 'paused');
  await page.screenshot({ path: join(artifacts, 'element-host.png') });
});

test('element: an answer in the frame is a ttmlab-answer event', async (t) => {
  const page = await watched(t);
  await page.goto(`http://127.0.0.1:${port}/host/same.html`);
  const frame = page.frameLocator('ttm-lab iframe');
  await frame.getByTestId('embed').waitFor({ timeout: 15_000 });
  for (let i = 0; i < 20 && await frame.getByTestId('exercise').count() === 0; i++) await frame.getByTestId('forward').click();
  // pool-refill asks before the populate: 512 refilled, 20 taken, 492 left (spec W3).
  await frame.getByTestId('exercise-input').fill('492');
  await frame.getByTestId('exercise-check').click();
  await page.waitForFunction(() => window.answers.length === 1);
  assert.deepEqual(await page.evaluate(() => window.answers), [{ step: 1, correct: true }]);
});

test('element: from a page on another origin than the app (and a changed attribute reloads the frame)', async (t) => {
  const page = await watched(t);
  await page.goto(`http://localhost:${port}/host/cross.html`);
  const lab = page.locator('ttm-lab');
  assert.equal(await lab.locator('iframe').getAttribute('src'),
    `http://127.0.0.1:${port}/?embed=1&walkthrough=pool-refill&from=3&to=40&theme=dark`);
  const frame = page.frameLocator('ttm-lab iframe');
  await frame.getByTestId('embed').waitFor({ timeout: 15_000 });
  await lastStep(page, 3);
  assert.equal(await frame.locator('html').getAttribute('data-theme'), 'dark');
  const origins = await page.evaluate(() => [...new Set(window.raw.map((m) => m.origin))]);
  assert.deepEqual(origins, [`http://127.0.0.1:${port}`]);
  await lab.evaluate((l) => l.goto(20));
  await lastStep(page, 20);
  assert.equal(await frame.getByTestId('embed').getAttribute('data-pos'), '20');
  // goto beyond the range: the embed clamps it.
  await lab.evaluate((l) => l.goto(1_000_000));
  await lastStep(page, 40);
  // A new range: the frame reloads at it, and commands given before it is ready wait for it.
  await lab.evaluate((l) => { l.setAttribute('from', '100'); l.setAttribute('to', '200'); l.goto(150); });
  assert.match(await lab.locator('iframe').getAttribute('src'), /&from=100&to=200&/);
  await lastStep(page, 150);
  assert.equal(await frame.getByTestId('embed').getAttribute('data-pos'), '150');
  await page.screenshot({ path: join(artifacts, 'element-cross-origin-dark.png') });
});

test('element: the app\'s Embed panel gives a <ttm-lab> snippet with the chosen options that works pasted into a page', async (t) => {
  const page = await watched(t, { width: 1280, height: 900 });
  await page.goto(`http://127.0.0.1:${port}/?walkthrough=pool-refill&step=30`);
  await page.getByTestId('embed-button').click();
  await page.getByTestId('embed-options').waitFor();
  // The current step's range to start with, then the reader's choices.
  const from = Number(await page.getByTestId('embed-from').inputValue());
  const to = Number(await page.getByTestId('embed-to').inputValue());
  assert.ok(from <= 30 && 30 <= to, `${from}..${to} holds 30`);
  await page.getByTestId('embed-to').fill(String(to + 5));
  await page.getByTestId('embed-to').dispatchEvent('change');
  await page.getByTestId('embed-loop').check();
  await page.getByTestId('embed-theme').selectOption('dark');
  const element = await page.getByTestId('embed-element-snippet').inputValue();
  const iframe = await page.getByTestId('embed-snippet').inputValue();
  assert.match(element, new RegExp(`^<script src="http://127\\.0\\.0\\.1:${port}/ttm-lab-embed\\.js" defer></script>\\n<ttm-lab `));
  assert.match(element, new RegExp(` walkthrough="pool-refill" from="${from}" to="${to + 5}" loop exercises theme="dark" `));
  assert.match(iframe, new RegExp(`^<iframe title="TTM Lab: [^"]+" .*from=${from}&amp;to=${to + 5}&amp;loop=1&amp;exercises=1&amp;theme=dark"`));
  await page.getByTestId('embed-options').screenshot({ path: join(artifacts, 'embed-options.png') });
  // Pasted into a page of another origin (whose CSP allows scripts from the app's origin), it
  // shows that range, dark.
  PAGES['/host/pasted.html'] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>pasted</title>
<script src="/host/element.js"></script></head><body><main>${element}</main></body></html>`;
  await page.goto(`http://localhost:${port}/host/pasted.html`);
  const frame = page.frameLocator('ttm-lab iframe');
  await frame.getByTestId('embed').waitFor({ timeout: 15_000 });
  await lastStep(page, from);
  assert.equal(await frame.locator('html').getAttribute('data-theme'), 'dark');
  // With exercises, a goto forward waits at each unanswered question in the range (skipped here).
  for (let i = 0; i < 4; i++) {
    await page.locator('ttm-lab').evaluate((l, s) => l.goto(s), to + 5);
    await page.waitForTimeout(300);
    if (await page.locator('ttm-lab').evaluate((l) => l.step) === to + 5) break;
    await frame.getByTestId('exercise-skip').click();
  }
  await lastStep(page, to + 5);
});
