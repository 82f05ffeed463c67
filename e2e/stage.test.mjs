// The stage (issue 12): on a laptop screen the controls, the position, the narration and the
// stage are in the viewport after opening any walkthrough and stay there while stepping; embeds
// fit their frame (no inner scroll bar); the stage has an accessible name and a text alternative.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, baseUrl, useChromium } from './browser.mjs';

const browser = useChromium();



/** The walkthrough names the picker offers. */
async function walkthroughs(page) {
  return page.locator('[data-testid=walkthrough-select] option').evaluateAll((os) => os.map((o) => o.value));
}

/** Boxes of the controls, the position, the narration and the stage; each must lie in the viewport. */
async function assertOnScreen(page, what) {
  const vp = page.viewportSize();
  for (const id of ['controls', 'position', 'narration', 'stage']) {
    const box = await page.getByTestId(id).first().boundingBox();
    assert.ok(box, `${what}: ${id} is rendered`);
    const inside = box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width + 0.5 && box.y + box.height <= vp.height + 0.5;
    assert.ok(inside, `${what}: ${id} ${JSON.stringify(box)} lies inside ${vp.width}x${vp.height}`);
  }
}

for (const [width, height] of [[1280, 720], [1366, 768]]) {
  test(`${width}x${height}: for every walkthrough the controls, position, narration and stage are on screen, before and after ten key presses`, async (t) => {
    const page = await browser().newPage({ viewport: { width, height } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    t.after(() => page.close());
    await page.goto(`${baseUrl}`);
    await page.getByRole('button', { name: 'Open', exact: true }).waitFor({ timeout: 15000 });
    const names = await walkthroughs(page);
    assert.ok(names.length >= 18);
    for (const name of names) {
      await page.goto(`${baseUrl}?walkthrough=${name}&exercises=0`);
      await page.getByTestId('stage').waitFor({ timeout: 15000 });
      await assertOnScreen(page, `${name} opened`);
      await page.locator('body').click({ position: { x: 2, y: 2 } });
      for (let i = 0; i < 10; i++) await page.keyboard.press(i % 3 === 2 ? 'Shift+ArrowRight' : 'ArrowRight');
      await assertOnScreen(page, `${name} after ten key presses`);
      assert.equal(await page.evaluate(() => window.scrollY), 0, `${name}: stepping never scrolled the page`);
    }
    assert.deepEqual(errors, []);
  });
}

test('the stage is a labelled region with a text alternative; the narration stays a live region beside it', async (t) => {
  const page = await browser().newPage({ viewport: { width: 1280, height: 720 } });
  t.after(() => page.close());
  await page.goto(`${baseUrl}?walkthrough=pool-refill&exercises=0`);
  const stage = page.getByRole('region', { name: /stage/i });
  await stage.waitFor();
  await page.getByRole('button', { name: /^Go to the end of step 2: / }).click();
  const summary = await page.getByTestId('stage-summary').textContent();
  // W3: 16,384 − 512 pages in system memory, 492 in the wc pool, the 20-page tt unbound and wc.
  assert.match(summary, /System memory holds 15,872 of 16,384 pages\./);
  assert.match(summary, /pool wc 492 pages/);
  assert.match(summary, /tt 0 \(tt_unbound, tt_wc\): 20 of 20 slots hold a page/);
  assert.equal(await page.getByTestId('narration').getAttribute('aria-live'), 'polite');
  // A bound tt keeps its caching visible: its state is its frame, not its colour.
  const row = page.getByTestId('stage-tt-0');
  assert.equal(await row.getAttribute('data-state'), 'unbound');
});

for (const [w, h] of [[640, 400], [800, 500]]) {
  test(`embed in a ${w}x${h} frame: stage, narration and controls fit, no inner scroll bar`, async (t) => {
    const page = await browser().newPage({ viewport: { width: w + 40, height: h + 40 } });
    t.after(() => page.close());
    for (const name of ['pool-refill', 'eviction-order', 'swap-cycle-bo', 'dma-pool']) {
      await page.setContent(`<iframe title="TTM Lab: ${name}" src="${baseUrl}?embed=1&walkthrough=${name}" width="${w}" height="${h}" style="border:0"></iframe>`);
      const frame = page.frameLocator('iframe');
      await frame.getByTestId('stage').waitFor({ timeout: 15000 });
      for (let i = 0; i < 12; i++) await frame.getByTestId('forward').click();
      const f = page.frames()[1];
      const dims = await f.evaluate(() => ({
        scroll: document.documentElement.scrollHeight,
        client: document.documentElement.clientHeight,
        bodyScroll: document.body.scrollHeight,
      }));
      assert.ok(dims.scroll <= dims.client && dims.bodyScroll <= dims.client, `${name}: the document (${dims.scroll}/${dims.bodyScroll}px) is no taller than the frame (${dims.client}px)`);
      for (const id of ['controls', 'narration', 'stage']) {
        const box = await f.getByTestId(id).first().boundingBox();
        assert.ok(box && box.y >= 0 && box.y + Math.min(box.height, 40) <= h, `${name}: ${id} is visible in the frame`);
      }
      if (name === 'pool-refill') await page.screenshot({ path: join(artifacts, `stage-embed-${w}x${h}.png`) });
    }
  });
}
