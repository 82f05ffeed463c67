// First usable render (issue 16), a measurement script, not a test:
//   node e2e/serve.mjs dist &   # prints its address
//   BASE_URL=http://127.0.0.1:PORT/ node e2e/first-render.mjs [RUNS]
// For each URL, RUNS fresh pages (no cache) in headless Chromium at 1280×720: the time from
// navigation start to the walkthrough's stage drawn with its controls ("usable": the step
// controls can be pressed). Three readings: the app's own User Timing mark
// "ttm-lab:first-screen" (put just after its first render is in the document), the first
// contentful paint (the browser's; the page shows nothing before the app renders), and
// performance.now() when this script saw the controls (adds its polling); and for ?bench=1 (the
// 262,144-page walkthrough, run and recorded in the page) the app's own figure
// (load_to_first_interactive_render_ms, web/src/bench.rs). Prints the median and all runs.
// With WARM=1 each tab has shown a page of the same site first (see below).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const chrome = JSON.parse(readFileSync(join(here, 'chromium.json'), 'utf8'))['goog:chromeOptions'];
const base = process.env.BASE_URL;
if (!base) throw new Error('set BASE_URL to the served dist/');
const runs = Number(process.argv[2] ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? chrome.binary,
  args: chrome.args.filter((a) => a !== '--headless'),
  headless: true,
});
const rows = [];
for (const walkthrough of ['pool-refill', 'eviction-order', 'tt-lifecycle']) {
  const [ms, paint, polled] = [[], [], []];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    // WARM=1: the tab first shows a page of the same site (a 404), so the walkthrough does not
    // pay for starting the tab's renderer process, as when a link is followed in an open browser.
    if (process.env.WARM === '1') await page.goto(`${base}__warm`);
    await page.goto(`${base}?walkthrough=${walkthrough}`);
    await page.locator('[data-place]').first().waitFor({ state: 'attached', timeout: 60_000 });
    await page.locator('[data-pos]').first().waitFor({ timeout: 60_000 });
    const seen = await page.evaluate(() => performance.now());
    const [mark, fcp] = await page.evaluate(async () => {
      // The paint entry arrives just after the paint: wait for it a little.
      for (let i = 0; i < 50 && !performance.getEntriesByName('first-contentful-paint').length; i++)
        await new Promise((r) => setTimeout(r, 20));
      return [
        performance.getEntriesByName('ttm-lab:first-screen')[0]?.startTime,
        performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      ];
    });
    if (mark === undefined) throw new Error('no ttm-lab:first-screen mark: is this the app of this checkout?');
    ms.push(mark);
    paint.push(fcp ?? NaN);
    polled.push(seen);
    console.error(`${walkthrough} run ${i}: mark ${mark.toFixed(0)} ms, paint ${fcp?.toFixed(0)} ms, seen ${seen.toFixed(0)} ms`);
    await context.close();
  }
  rows.push([`?walkthrough=${walkthrough} (mark)`, ms]);
  rows.push([`  first contentful paint`, paint]);
  rows.push([`  seen by this script`, polled]);
}
const bench = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  if (process.env.WARM === "1") await page.goto(`${base}__warm`);
  await page.goto(`${base}?bench=1`);
  const out = page.getByTestId('bench');
  await out.waitFor({ timeout: 120_000 });
  bench.push(JSON.parse(await out.textContent()).load_to_first_interactive_render_ms);
  await context.close();
}
rows.push(['?bench=1 (262,144-page walkthrough)', bench]);
await browser.close();
console.log(`first usable render, ms from navigation start (${runs} fresh pages each):`);
for (const [url, ms] of rows) {
  console.log(`  ${url.padEnd(40)} median ${median(ms).toFixed(0).padStart(6)}  [${ms.map((x) => x.toFixed(0)).join(', ')}]`);
}
