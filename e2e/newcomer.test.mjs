// A path for newcomers (issue 14), in the browser: the course and its welcome, lessons that open
// at their first user step, exercises that hold, answers that survive a reload, history and
// titles, compare mode in the URL, the next lesson. Run by scripts/test.sh with BASE_URL set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, baseUrl, failOnErrors, text, useChromium } from './browser.mjs';

const browser = useChromium();

/** A fresh browser context (empty local storage) at `query`, failing on any page error. */
async function open(t, query = '', viewport = { width: 1280, height: 720 }) {
  const context = await browser().newContext({ viewport });
  const page = await context.newPage();
  failOnErrors(t, page, () => context.close());
  await page.goto(baseUrl + query);
  await page.getByRole('button', { name: 'Open', exact: true }).waitFor({ timeout: 15_000 });
  return page;
}

const focused = (page) => page.evaluate(() => document.activeElement?.dataset?.testid ?? document.activeElement?.tagName);
const focusedIn = (page, testid) =>
  page.evaluate((id) => !!document.activeElement?.closest(`[data-testid=${id}]`), testid);

/** Press Tab until the focused element has `testid` (at most `max` times). */
async function tabTo(page, testid, max = 40) {
  for (let i = 0; i < max; i++) {
    if ((await focused(page)) === testid) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${testid} (at ${await focused(page)})`);
}

test('a newcomer goes from the root page to answering lesson 1’s first question with the keyboard alone', async (t) => {
  const page = await open(t);
  // The welcome says what TTM is and how to step; the course lists lesson 1 first.
  const welcome = page.getByTestId('welcome');
  assert.match(await text(welcome), /memory manager for graphics cards.*stage.*→/s);
  assert.match(await text(page.getByTestId('course')), /Lesson 1: A tt's life/);
  assert.equal(await page.title(), 'TTM Lab: step through the Linux 3.3 TTM memory manager');
  await page.screenshot({ path: join(artifacts, 'newcomer-root.png') });

  await tabTo(page, 'welcome-start');
  await page.keyboard.press('Enter');
  await page.getByTestId('controls').waitFor();
  assert.match(await page.title(), /^Lesson 1: A tt's life/);
  // It opens at its first user step, ready for step 1.
  assert.match(await text(page.getByTestId('position')), /^ready for step 1 of 6 \(/);
  assert.match(await text(page.getByTestId('did')), /^Ready: the device is set up/);

  // → steps through step 1's calls until the question before step 2; focus moves into it.
  for (let i = 0; i < 60 && (await page.getByTestId('exercise').count()) === 0; i++) {
    await page.keyboard.press('ArrowRight');
  }
  const card = page.getByTestId('exercise');
  await card.waitFor();
  await page.waitForFunction(() => !!document.activeElement?.closest('[data-testid=exercise]'));
  assert.ok(await focusedIn(page, 'exercise'), 'the keyboard is in the question');
  await page.screenshot({ path: join(artifacts, 'newcomer-question.png') });
  // A second → does not run past it.
  const at = await page.getByTestId('position').getAttribute('data-pos');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getByTestId('position').getAttribute('data-pos'), at, 'held at the question');

  // Tab to the choice "tt_bound" (binding an unpopulated tt populates it, spec 2.4) and press Enter.
  for (let i = 0; i < 8; i++) {
    const name = await page.evaluate(() => document.activeElement?.textContent?.trim());
    if (name === 'tt_bound') break;
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
  assert.match(await text(page.getByTestId('exercise-result')), /^✓ Right/);
  assert.equal(await focused(page), 'exercise-reveal', 'focus moves to “Play step”');
  await page.keyboard.press('Enter');
  // The step plays, call by call, and pauses at its end.
  await page.getByTestId('play').getByText('Pause').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=play]')?.textContent.includes('Play'), null, { timeout: 60_000 });
  assert.match(await text(page.getByTestId('position')), /^step 2 of 6 \(bind tt 0\)/);
  assert.match(await text(page.getByTestId('ask-mark-1')), /✓ predicted/);
});

test('the picker follows the course and the course links are real links', async (t) => {
  const page = await open(t);
  const select = page.getByTestId('walkthrough-select');
  assert.equal(await select.inputValue(), 'tt-lifecycle', 'lesson 1 is chosen');
  const groups = await select.locator('optgroup').evaluateAll((g) => g.map((x) => x.label));
  assert.deepEqual(groups.slice(0, 2), ['First steps', 'Page pools']);
  assert.match(await text(select.locator('option').nth(1)), /^2\. A WC tt is populated .* \(first steps\)$/);
  assert.equal(await page.getByTestId('book-link').getAttribute('href'), './book/');
  const link = page.getByTestId('lesson-pool-refill').getByRole('link');
  assert.equal(await link.getAttribute('href'), '?walkthrough=pool-refill');
  assert.match(await text(page.getByTestId('lesson-pool-refill')), /builds on: A tt's life/);
});

test('Back returns from a lesson to the course; the title names the walkthrough', async (t) => {
  const page = await open(t);
  await page.getByTestId('lesson-pool-refill').getByRole('link').click();
  await page.getByTestId('controls').waitFor();
  assert.match(await page.title(), /^Lesson 2: A WC tt is populated/);
  assert.match(page.url(), /\?walkthrough=pool-refill&step=\d+&zoom=call$/);
  // Stepping replaces the entry; Back leaves the lesson for the course, Forward comes back.
  await page.getByTestId('back').click();
  await page.goBack();
  await page.getByTestId('course').waitFor();
  assert.equal(await page.getByTestId('controls').count(), 0);
  assert.match(await page.title(), /^TTM Lab: step through/);
  await page.goForward();
  await page.getByTestId('controls').waitFor();
  assert.match(await page.title(), /^Lesson 2:/);
});

test('a skipped question is marked; answers and skips survive a reload until reset', async (t) => {
  const page = await open(t, '?walkthrough=pool-refill');
  // It opens ready for step 1; the question comes before step 2.
  await page.getByTestId('forward-action').click();
  const card = page.getByTestId('exercise');
  await card.waitFor();
  // Forward is held at the question, with a reason.
  const at = await page.getByTestId('position').getAttribute('data-pos');
  await page.getByTestId('forward').click();
  assert.equal(await page.getByTestId('position').getAttribute('data-pos'), at);
  assert.match(await text(page.getByTestId('status')), /Answer the question above, or skip it/);
  await page.getByTestId('exercise-skip').click();
  assert.match(await text(page.getByTestId('exercise-result')), /^Skipped\. The model's answer: 492/);
  assert.match(await text(page.getByTestId('ask-mark-1')), /skipped/);
  await page.reload();
  await page.getByTestId('controls').waitFor();
  assert.match(await text(page.getByTestId('ask-mark-1')), /skipped/, 'kept across a reload');
  assert.match(await text(page.getByTestId('exercise-score')), /1 skipped/);
  await page.getByTestId('exercise-reset').click();
  assert.match(await text(page.getByTestId('ask-mark-1')), /\? predict/);
  await page.reload();
  await page.getByTestId('controls').waitFor();
  assert.match(await text(page.getByTestId('ask-mark-1')), /\? predict/, 'reset is kept too');
});

test('compare mode is in the URL with both machines, and a lesson’s end offers the next one', async (t) => {
  const page = await open(t, '?walkthrough=cpu-fault-after-seed&exercises=0');
  await page.getByTestId('m-era').selectOption('E1');
  await page.getByTestId('m-compare').click();
  await page.getByTestId('compare').waitFor();
  assert.match(page.url(), /&compare=1&b_era=E1/);
  await page.reload();
  await page.getByTestId('compare').waitFor();
  assert.match(await text(page.getByTestId('compare-b')), /^B: .*E1/);

  await page.getByTestId('end').click();
  const next = page.getByTestId('next-lesson');
  await next.waitFor();
  assert.match(await text(next), /Next lesson, 13: Kernel mappings of a SYSTEM BO/);
  await next.getByTestId('next-lesson-open').click();
  await page.waitForURL(/walkthrough=kmap-before-after/);
  assert.match(await page.title(), /^Lesson 13:/);
});
