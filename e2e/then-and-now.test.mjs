// TTM then and now (issue 18), in the browser: a 3.3 walkthrough beside the same steps on Linux
// 6.12 in the app's comparison, the 6.12 machine on its own (pool types, page limit, managers),
// and the book chapter's side-by-side embeds. The numbers are W3 (3.3: one refill of 512 pages)
// against M2 (6.12: an order-4 and an order-2 block, 20 pages), and M1 (64 MiB: pages_limit
// 8,192 pages = 32 MiB). Run by scripts/test.sh with BASE_URL set to the served dist/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, baseUrl, failOnErrors, text, useChromium } from './browser.mjs';

const browser = useChromium();

async function page(t, viewport = { width: 1280, height: 720 }, scheme = 'light') {
  const p = await browser().newPage({ viewport, acceptDownloads: true });
  await p.emulateMedia({ colorScheme: scheme });
  failOnErrors(t, p, () => p.close());
  return p;
}

test('then and now: the top bar compares pool-refill on 3.3 with 6.12; W3 against M2, in view', async (t) => {
  const p = await page(t);
  await p.goto(`${baseUrl}?walkthrough=pool-refill&exercises=0`);
  await p.getByTestId('controls').waitFor({ timeout: 15_000 });
  // The top bar offers it on the first screen.
  await p.getByTestId('then-now-button').click();
  const cmp = p.getByTestId('compare');
  await cmp.waitFor();
  assert.match(await text(p.locator('#compare-h')), /^Then and now: Linux 3\.3 \(A\) and Linux 6\.12 \(B\)/);
  // Opened at the first divergence, the populate (step 2), scrolled into view with its heading
  // focused.
  assert.match(await text(p.getByTestId('first-divergence')), /^First divergence: step 2 \(populate tt 0\)/);
  const box = await p.locator('#compare-h').boundingBox();
  assert.ok(box.y >= -1 && box.y < 720, `the comparison's heading is on screen: ${JSON.stringify(box)}`);
  assert.equal(await p.evaluate(() => document.activeElement?.id), 'compare-h');
  const fresh = p.getByTestId('fact-fresh-pages');
  assert.equal(await fresh.getAttribute('data-differs'), 'true');
  const cells = await fresh.locator('td').allTextContents();
  assert.deepEqual(cells, ['512 (1 batch of 512 pages)', '20 (2 blocks: order 4, order 2)']);
  assert.deepEqual(await p.getByTestId('fact-caching-changes').locator('td').allTextContents(),
    ['set_pages_array_wc ×1 over 512 pages', 'set_pages_array_wc ×1 over 20 pages']);
  // Both count the 20 populated pages (W3's kernel zone, M2's ttm_pages_allocated): no divergence.
  assert.equal(await p.getByTestId('fact-counted-against-the-limit').getAttribute('data-differs'), 'false');
  assert.match(await text(cmp.locator('tr.why').first()), /^Why: 3\.3 refills a pool .*mspec 4\.4/);
  assert.match(await text(p.getByTestId('then-now-notes')), /pool\.wc\.npages/);
  // Both machines' stages at the end of the step: 3.3's wc pool holds 492, 6.12's pool is empty.
  const a = p.getByTestId('compare-stage-a');
  const b = p.getByTestId('compare-stage-b');
  assert.match(await text(a.getByTestId('stage-summary')), /pool wc 492 pages/);
  assert.match(await text(b.getByTestId('stage-summary')), /The pools are empty\./);
  assert.match(await text(b.getByTestId('stage-summary')), /ttm_pages_allocated 80 KiB used of 64 MiB \(pages_limit 32 MiB\)/);
  await p.screenshot({ path: join(artifacts, 'then-now-1280x720.png') });
  // The export: this step as one picture, 3.3 beside 6.12 with the divergences under both; and
  // every step as JSON.
  const [svg] = await Promise.all([p.waitForEvent('download'), p.getByTestId('compare-svg').click()]);
  assert.equal(svg.suggestedFilename(), 'ttm-lab-pool-refill-compare-step-2.svg');
  const pic = readFileSync(await svg.path(), 'utf8');
  assert.match(pic, /<title>A WC tt is populated from the page pool, one page at a time: then \(Linux 3\.3\) and now \(Linux 6\.12\)<\/title>/);
  assert.match(pic, /wc pool: 492 pages/);
  assert.match(pic, /0 pages pooled of page_pool_size 8,192/);
  assert.match(pic, /fresh pages: 3\.3 512 \(1 batch of 512 pages\) · 6\.12 20 \(2 blocks: order 4, order 2\)/);
  const [json] = await Promise.all([p.waitForEvent('download'), p.getByTestId('compare-json').click()]);
  const data = JSON.parse(readFileSync(await json.path(), 'utf8'));
  assert.equal(data.first_divergence, 1);
  assert.equal(data.then_and_now.rows[1].now.allocations, '2 blocks: order 4, order 2');
  // Step 3: the unpopulate; 6.12's blocks wait on wc[4] and wc[2].
  await p.getByTestId('compare-row-2').getByRole('button').click();
  assert.deepEqual(await p.getByTestId('fact-pooled-pages').locator('td').allTextContents(),
    ['512 (wc 512)', '20 (wc[2] ×1, wc[4] ×1)']);
  // The comparison is in the address and reopens from it.
  assert.match(p.url(), /&compare=1&b_kernel=6\.12/);
  await p.reload();
  await p.getByTestId('compare').waitFor({ timeout: 15_000 });
  assert.match(await text(p.locator('#compare-h')), /^Then and now/);
});

test('then and now: a 6.12 walkthrough cannot be compared back to 3.3, and says why', async (t) => {
  const p = await page(t);
  await p.goto(`${baseUrl}?walkthrough=modern-pool-orders&exercises=0`);
  await p.getByTestId('controls').waitFor({ timeout: 15_000 });
  assert.equal(await p.getByTestId('m-then-now').count(), 0, 'no then-and-now button on 6.12');
  assert.equal(await p.getByTestId('then-now-button').count(), 0, 'nor in the top bar');
  await p.getByTestId('m-kernel').selectOption('3.3');
  await p.getByTestId('m-compare').click();
  assert.match(await text(p.getByTestId('machine-error')), /written for Linux 6\.12/);
  assert.equal(await p.getByTestId('compare').count(), 0);
});

test('a 6.12 machine: pool types by order, the page limit instead of zones, the managers as bars', async (t) => {
  const p = await page(t);
  // pool-refill replayed on 6.12, at its end (after the unpopulate, M2).
  await p.goto(`${baseUrl}?walkthrough=pool-refill&kernel=6.12&exercises=0`);
  await p.getByTestId('controls').waitFor({ timeout: 15_000 });
  await p.getByTestId('end').click();
  const stage = p.getByTestId('stage');
  assert.equal(await stage.getByTestId('gauge-pages_limit').count(), 1);
  assert.equal(await stage.getByTestId('gauge-kernel').count(), 0, 'no 3.3 zone on 6.12');
  const shelves = await stage.locator('[data-place^="mpool-"]').count();
  assert.equal(shelves, 2, 'wc[4] and wc[2]');
  assert.match(await text(p.getByTestId('stage-summary')), /pool type wc\[4\] 16 pages/);
  assert.match(await text(p.locator('#zones-h')), /Page limits/);
  assert.match(await text(p.getByTestId('pool-total')), /^20 pages pooled of page_pool_size 8,?192$/);
  // The URL's kernel parameter is shown as a notice-free machine label.
  assert.match(await text(p.getByTestId('controls')), /./);
  await p.goto(`${baseUrl}?walkthrough=modern-eviction&exercises=0`);
  await p.getByTestId('controls').waitFor({ timeout: 15_000 });
  await p.getByTestId('end').click();
  const vram = p.getByTestId('stage').locator('[data-testid="bar-mem-2"]');
  assert.equal(await vram.count(), 1, 'VRAM is drawn as a bar on 6.12');
  assert.ok(await vram.locator('.range').count() >= 1, 'with its resources');
});

test('book: "TTM then and now" shows each walkthrough on both kernels side by side', async (t) => {
  const p = await page(t, { width: 1440, height: 900 });
  await p.goto(`${baseUrl}book/then-and-now.html`);
  const pair = p.locator('.then-now-pair').first();
  await pair.scrollIntoViewIfNeeded();
  const frames = pair.locator('iframe.ttm-lab');
  assert.equal(await frames.count(), 2);
  assert.doesNotMatch(await frames.nth(0).getAttribute('src'), /kernel=/);
  assert.match(await frames.nth(1).getAttribute('src'), /kernel=6\.12/);
  const [l, r] = [await frames.nth(0).boundingBox(), await frames.nth(1).boundingBox()];
  assert.ok(Math.abs(l.y - r.y) < 2 && r.x >= l.x + l.width - 1, `side by side: ${JSON.stringify([l, r])}`);
  const right = p.frameLocator('.then-now-pair >> nth=0 >> iframe.ttm-lab >> nth=1');
  await right.getByTestId('embed').waitFor({ timeout: 15_000 });
  assert.match(await text(right.getByTestId('stage-summary')), /ttm_pages_allocated/);
  await p.waitForTimeout(500);
  await pair.screenshot({ path: join(artifacts, 'then-now-book-pair.png') });
});

test('then and now in a 640×400 frame, light and dark', async (t) => {
  for (const scheme of ['light', 'dark']) {
    const p = await page(t, { width: 700, height: 460 }, scheme);
    await p.setContent(`<iframe title="then and now" src="${baseUrl}?embed=1&walkthrough=pool-refill&kernel=6.12&step=131&theme=${scheme}" width="640" height="400"></iframe>`);
    const f = p.frameLocator('iframe');
    await f.getByTestId('embed').waitFor({ timeout: 15_000 });
    // The embed scales to its frame: the document is never taller than the frame.
    const h = await f.locator('html').evaluate((e) => e.scrollHeight);
    assert.ok(h <= 400, `fits the frame: ${h}`);
    assert.match(await text(f.getByTestId('stage-summary')), /ttm_pages_allocated 80 KiB/);
    await p.waitForTimeout(400);
    await p.screenshot({ path: join(artifacts, `then-now-embed-640x400-${scheme}.png`) });
  }
});
