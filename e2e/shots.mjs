// Screenshots of the main views for looking at them (not a test): 1280x720 and 768x1024 in light
// and dark, and a 640x400 embed frame. Usage: node e2e/shots.mjs BASE_URL [walkthrough] [steps]
// Writes e2e/artifacts/shot-*.png.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'artifacts');
mkdirSync(out, { recursive: true });
const chrome = JSON.parse(readFileSync(join(here, 'chromium.json'), 'utf8'))['goog:chromeOptions'];
const [base, walk = 'pool-refill', steps = '12'] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: chrome.binary,
  args: chrome.args.filter((a) => a !== '--headless'),
  headless: true,
});
for (const theme of ['light', 'dark']) {
  for (const [w, h] of [[1280, 720], [768, 1024]]) {
    const page = await browser.newPage({ viewport: { width: w, height: h } });
    await page.emulateMedia({ colorScheme: theme });
    await page.goto(`${base}?walkthrough=${walk}`);
    await page.getByRole('button', { name: 'Open', exact: true }).waitFor({ timeout: 15000 });
    await page.waitForTimeout(300);
    for (let i = 0; i < Number(steps); i++) await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(600);
    await page.screenshot({ path: join(out, `shot-${walk}-${w}x${h}-${theme}.png`) });
    await page.close();
  }
  const page = await browser.newPage({ viewport: { width: 700, height: 460 } });
  await page.emulateMedia({ colorScheme: theme });
  await page.setContent(`<iframe title="embed" src="${base}?embed=1&walkthrough=${walk}&theme=${theme}" width="640" height="400" style="border:1px solid #888"></iframe>`);
  await page.waitForTimeout(2500);
  await page.screenshot({ path: join(out, `shot-${walk}-embed-640x400-${theme}.png`) });
  await page.close();
}
await browser.close();
