// What the browser tests share (imported, not a test file itself): the served site's address,
// the artifacts folder, and one headless system Chromium per test file (the binary and flags of
// e2e/chromium.json, as the wasm-bindgen tests use; never a downloaded browser).
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const here = dirname(fileURLToPath(import.meta.url));
export const artifacts = join(here, 'artifacts');
export const baseUrl = process.env.BASE_URL;
const chrome = JSON.parse(readFileSync(join(here, 'chromium.json'), 'utf8'))['goog:chromeOptions'];

/** Launch Chromium before the file's tests and close it after; returns a getter for it. */
export function useChromium() {
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
  return () => browser;
}

/** Fail test `t` (when it ends) on any console error or uncaught error of `page`. */
export function failOnErrors(t, page, close) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  t.after(async () => {
    await close();
    assert.deepEqual(errors, [], 'the page logged errors');
  });
}

/** The trimmed text of a locator. */
export const text = async (loc) => (await loc.textContent()).trim();
