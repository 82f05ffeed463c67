// Explaining every step (issue 13), in the browser: the pseudocode pane follows the call being
// executed and any frame of the call stack, and the stage's page cells tell a page's story.
// Run by scripts/test.sh with BASE_URL set to the served dist/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, baseUrl, failOnErrors, text, useChromium } from './browser.mjs';

const browser = useChromium();

/** The app at `query`, failing the test on any console or page error. */
async function open(t, query, viewport = { width: 1280, height: 720 }) {
  const page = await browser().newPage({ viewport });
  failOnErrors(t, page, () => page.close());
  await page.goto(baseUrl + query);
  await page.getByTestId('controls').waitFor({ timeout: 15_000 });
  return page;
}


/** The box of `loc` lies inside the viewport (seen without scrolling). */
async function inView(page, loc, what) {
  const b = await loc.boundingBox();
  const v = page.viewportSize();
  assert.ok(b, `${what} is laid out`);
  assert.ok(b.y >= 0 && b.y + Math.min(b.height, 40) <= v.height, `${what} is in the first screen: ${JSON.stringify(b)}`);
}

test('while ttm_page_pool_fill_locked runs, ttm_get_pages is at its refill line; frames are clickable', async (t) => {
  const page = await open(t, '?walkthrough=pool-refill&exercises=0&zoom=call');
  await page.getByRole('button', { name: 'Next refill' }).click();
  // A labelled region whose name contains "code", showing the innermost call.
  const pane = page.getByRole('region', { name: /code/i });
  await pane.waitFor();
  await inView(page, pane, 'the code pane');
  const stack = page.getByTestId('call-stack');
  const innermost = (await text(stack.locator('li').last())).split('(')[0];
  assert.equal(await pane.getAttribute('data-func'), innermost);
  assert.equal(await pane.locator('[aria-current]').count(), 1, 'exactly one current line');

  // Click ttm_get_pages' frame: its own code, at the line that refills the pool.
  const frame = stack.locator('li', { hasText: /^ttm_get_pages\(/ });
  await frame.getByTestId('frame-code').click();
  assert.equal(await frame.getByTestId('frame-code').getAttribute('aria-pressed'), 'true');
  assert.equal(await pane.getAttribute('data-func'), 'ttm_get_pages');
  assert.match(await pane.getAttribute('aria-label'), /code of ttm_get_pages/i);
  const current = pane.locator('li[aria-current="step"]');
  assert.match(await text(current), /refilling it first/);
  await inView(page, current, 'the current line');
  // Its definition at v3.3, on elixir.
  assert.equal(
    await pane.getByRole('link', { name: 'ttm_get_pages' }).getAttribute('href'),
    'https://elixir.bootlin.com/linux/v3.3/A/ident/ttm_get_pages',
  );
  // Keep the caller's line while ttm_page_pool_fill_locked is still inside the refill…
  const fill = stack.locator('li', { hasText: /^ttm_page_pool_fill_locked\(/ });
  await fill.getByTestId('frame-code').click();
  assert.equal(await pane.getAttribute('data-func'), 'ttm_page_pool_fill_locked');
  await page.screenshot({ path: join(artifacts, 'code-pane-refill.png') });
  // …and a step goes back to the innermost call, as a debugger does.
  await page.getByTestId('forward').click();
  const inner = (await text(stack.locator('li').last())).split('(')[0];
  assert.equal(await pane.getAttribute('data-func'), inner);
});

test('a page cell tells its pfn, zone, caching and which refill of which pool it came from', async (t) => {
  const page = await open(t, '?walkthrough=pool-refill&exercises=0');
  await page.getByRole('button', { name: /^Go to the end of step 2: / }).click();
  const grid = page.getByTestId('tt-grid-0');
  await grid.waitFor();
  // The tt row shows its state and its page flags.
  assert.match(await text(page.getByTestId('tt-detail').first()), /page_flags 0/);
  const size = Number(await grid.getAttribute('data-size'));
  await grid.hover({ position: { x: size / 2, y: size / 2 } });
  const tip = page.getByTestId('cell-tip');
  await tip.waitFor();
  const said = await text(tip);
  assert.match(said, /^slot 0: page, write-combined/);
  assert.match(said, /pfn 0x[0-9a-f]+ · zone DMA32 · in tt 0 slot 0/);
  assert.match(said, /mapped write-combined/);
  assert.match(said, /from system memory to pool wc in a refill \(.*ttm_page_pool_fill_locked.*\), step 2 · call \d+/);
  assert.match(said, /from pool wc to tt 0 \(.*ttm_get_pages.*\), step 2 · call \d+/);
  await page.screenshot({ path: join(artifacts, 'cell-tip.png') });

  // The keyboard reaches the same details: focus the grid, move with the arrows.
  await page.mouse.move(0, 0);
  await grid.focus();
  await page.keyboard.press('ArrowRight');
  assert.match(await text(tip), /^slot 1: page, write-combined.*pfn 0x[0-9a-f]+ · zone DMA32 · in tt 0 slot 1/);
  const pos = await page.getByTestId('position').getAttribute('data-pos');
  assert.equal(await page.getByTestId('position').getAttribute('data-pos'), pos, 'arrows on a grid do not step');
  await page.keyboard.press('Escape');
  assert.equal(await tip.count(), 0);

  // A pool page: it came from the refill and waits on the shelf.
  const shelf = page.getByTestId('shelf-pool-0').locator('canvas');
  const s = Number(await shelf.getAttribute('data-size'));
  await shelf.hover({ position: { x: s / 2, y: s / 2 } });
  assert.match(await text(tip), /in pool wc/);
  assert.match(await text(tip), /from system memory to pool wc in a refill/);
});
