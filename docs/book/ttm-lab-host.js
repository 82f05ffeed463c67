// Host side of the live walkthroughs in "TTM in pictures" (mdBook additional-js).
// The walkthroughs are <ttm-lab> elements of the app's own embed script (ttm-lab-embed.js, next to
// the app; docs/embedding.md), loaded from there. What is left here is what the book adds:
// - a caption under each walkthrough showing its position (the element's `ttmlab-step` events);
// - host buttons calling the element's goto / play / pause, plus "jump to" buttons from
//   data-stops="POS:label,POS:label" (a goto forward stops at an unanswered question of the frame,
//   as the app's own forward moves do);
// - a score of the predictions made in the frame (`ttmlab-answer` events, exercises=1);
// - a fix for mdBook 0.5.4's theme, whose sidebar toggle is a <label> carrying aria-expanded
//   (axe: aria-allowed-attr, critical): it becomes role="button", which may carry it, and is reachable by
//   keyboard like one.
// - a link to the app in mdBook's menu bar.
// Uses no storage, cookies or network beyond the embed script and the frames.
(function () {
  'use strict';

  // The app is next to the book (dist/ and dist/book/), and so is its embed script.
  const script = document.currentScript;
  const root = script && script.src ? new URL('./', script.src) : new URL('./', document.baseURI);
  const embed = document.createElement('script');
  embed.src = new URL('../ttm-lab-embed.js', root).href;
  document.head.append(embed);

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function setup(lab, index) {
    const host = el('div', { class: 'ttm-lab-host', 'data-testid': 'lab-host', 'data-index': String(index) });
    const caption = el('p', { class: 'ttm-lab-caption', 'data-testid': 'lab-caption', 'aria-live': 'polite' },
      'Waiting for the walkthrough to load…');
    const bar = el('div', { class: 'ttm-lab-buttons', role: 'group', 'aria-label': 'Walkthrough controls (host page)' });
    const prev = el('button', { type: 'button', 'data-testid': 'lab-prev', disabled: '' }, '◀ previous step');
    const next = el('button', { type: 'button', 'data-testid': 'lab-next', disabled: '' }, 'next step ▶');
    const play = el('button', { type: 'button', 'data-testid': 'lab-play' }, 'play');
    const pause = el('button', { type: 'button', 'data-testid': 'lab-pause' }, 'pause');
    const score = el('p', { class: 'ttm-lab-score', 'data-testid': 'lab-score', 'aria-live': 'polite' });
    score.hidden = true;
    let right = 0;
    let answered = 0;
    prev.addEventListener('click', () => { if (lab.step > 0) lab.goto(lab.step - 1); });
    next.addEventListener('click', () => { if (lab.step !== null) lab.goto(lab.step + 1); });
    play.addEventListener('click', () => lab.play());
    pause.addEventListener('click', () => lab.pause());
    bar.append(prev, next, play, pause);
    for (const stop of (lab.dataset.stops || '').split(',')) {
      const at = stop.indexOf(':');
      const pos = Number(stop.slice(0, at));
      if (at < 1 || !Number.isInteger(pos) || pos < 0) continue;
      const b = el('button', { type: 'button', class: 'ttm-lab-stop', 'data-testid': 'lab-stop' }, `→ ${stop.slice(at + 1).trim()}`);
      b.addEventListener('click', () => lab.goto(pos));
      bar.append(b);
    }
    lab.addEventListener('ttmlab-step', (e) => {
      const { step, of, action, position } = e.detail;
      caption.dataset.step = String(step);
      caption.dataset.of = String(of);
      // The app's own words for the position ("step 2 of 3 (populate tt 0) · call 5 of 213").
      caption.textContent = position ? `At ${position}` : `Position ${step} of ${of} · ${action}`;
      prev.disabled = false;
      next.disabled = false;
    });
    lab.addEventListener('ttmlab-answer', (e) => {
      answered += 1;
      if (e.detail.correct) right += 1;
      score.hidden = false;
      score.dataset.right = String(right);
      score.dataset.answered = String(answered);
      score.textContent = `Your predictions here: ${right} right of ${answered}`;
    });
    host.append(caption, bar, score);
    lab.insertAdjacentElement('afterend', host);
  }

  // mdBook 0.5.4: <label id="mdbook-sidebar-toggle" aria-expanded=…> (aria-allowed-attr). A button role
  // allows aria-expanded; Enter and Space then toggle it as they would a button.
  function fixSidebarToggle() {
    const toggle = document.getElementById('mdbook-sidebar-toggle');
    if (!toggle || toggle.tagName !== 'LABEL' || toggle.hasAttribute('role')) return;
    toggle.setAttribute('role', 'button');
    if (!toggle.hasAttribute('tabindex')) toggle.setAttribute('tabindex', '0');
    toggle.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        toggle.click();
      }
    });
  }

  // Every page of the book links to the app, in mdBook's menu bar (the app links back: "Book").
  function addAppLink() {
    const bar = document.querySelector('.right-buttons');
    if (!bar || bar.querySelector('.ttm-lab-app-link')) return;
    const a = el('a', { class: 'ttm-lab-app-link', href: new URL('../index.html', root).href,
      'data-testid': 'book-app-link', title: 'Open the TTM Lab app: every walkthrough, the course and your own scenarios' },
      'TTM Lab app');
    bar.prepend(a);
  }

  function init() {
    fixSidebarToggle();
    addAppLink();
    customElements.whenDefined('ttm-lab').then(() => {
      document.querySelectorAll('ttm-lab').forEach(setup);
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
