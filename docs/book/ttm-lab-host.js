// Host side of the live walkthroughs in "TTM in pictures" (mdBook additional-js).
// Every <iframe class="ttm-lab"> gets a caption and host controls right below it:
// - the caption shows the embed's position, as reported by its {type: "ttm-lab", event: "step"} messages;
// - the buttons post {type: "ttm-lab", command: "goto" | "play" | "pause"} to that iframe;
// - data-stops="POS:label,POS:label" on the iframe adds "jump to" buttons for interesting positions;
// - {type: "ttm-lab", event: "answer", step, correct} messages (embeds with exercises=1) keep a score.
// Message shapes: docs/embedding.md ("postMessage API"). Uses no storage, cookies or network.
(function () {
  'use strict';

  const labs = [];

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function post(lab, message) {
    if (lab.frame.contentWindow) lab.frame.contentWindow.postMessage(message, '*');
  }

  function show(lab) {
    const c = lab.caption;
    if (lab.step === null) {
      c.textContent = 'Waiting for the walkthrough to load…';
      return;
    }
    c.dataset.step = String(lab.step);
    c.dataset.of = String(lab.of);
    c.textContent = `Position ${lab.step} of ${lab.of} · ${lab.action}`;
    if (lab.answered > 0) {
      lab.score.hidden = false;
      lab.score.dataset.right = String(lab.right);
      lab.score.dataset.answered = String(lab.answered);
      lab.score.textContent = `Your predictions here: ${lab.right} right of ${lab.answered}`;
    }
    lab.prev.disabled = false;
    lab.next.disabled = false;
  }

  function setup(frame, index) {
    const lab = { frame, step: null, of: null, action: '', right: 0, answered: 0 };
    const host = el('div', { class: 'ttm-lab-host', 'data-testid': 'lab-host', 'data-index': String(index) });
    lab.caption = el('p', { class: 'ttm-lab-caption', 'data-testid': 'lab-caption', 'aria-live': 'polite' });
    const bar = el('div', { class: 'ttm-lab-buttons', role: 'group', 'aria-label': 'Walkthrough controls (host page)' });
    lab.prev = el('button', { type: 'button', 'data-testid': 'lab-prev' }, '◀ previous step');
    lab.next = el('button', { type: 'button', 'data-testid': 'lab-next' }, 'next step ▶');
    const play = el('button', { type: 'button', 'data-testid': 'lab-play' }, 'play');
    const pause = el('button', { type: 'button', 'data-testid': 'lab-pause' }, 'pause');
    lab.prev.disabled = true;
    lab.next.disabled = true;
    lab.prev.addEventListener('click', () => {
      if (lab.step !== null && lab.step > 0) post(lab, { type: 'ttm-lab', command: 'goto', step: lab.step - 1 });
    });
    lab.next.addEventListener('click', () => {
      if (lab.step !== null) post(lab, { type: 'ttm-lab', command: 'goto', step: lab.step + 1 });
    });
    play.addEventListener('click', () => post(lab, { type: 'ttm-lab', command: 'play' }));
    pause.addEventListener('click', () => post(lab, { type: 'ttm-lab', command: 'pause' }));
    bar.append(lab.prev, lab.next, play, pause);
    for (const stop of (frame.dataset.stops || '').split(',')) {
      const at = stop.indexOf(':');
      const pos = Number(stop.slice(0, at));
      if (at < 1 || !Number.isInteger(pos) || pos < 0) continue;
      const b = el('button', { type: 'button', class: 'ttm-lab-stop', 'data-testid': 'lab-stop' }, `→ ${stop.slice(at + 1).trim()}`);
      b.addEventListener('click', () => post(lab, { type: 'ttm-lab', command: 'goto', step: pos }));
      bar.append(b);
    }
    lab.score = el('p', { class: 'ttm-lab-score', 'data-testid': 'lab-score', 'aria-live': 'polite' });
    lab.score.hidden = true;
    host.append(lab.caption, bar, lab.score);
    frame.insertAdjacentElement('afterend', host);
    show(lab);
    labs.push(lab);
  }

  window.addEventListener('message', (e) => {
    const d = e.data;
    if (!d || typeof d !== 'object' || d.type !== 'ttm-lab') return;
    if (d.event === 'answer' && typeof d.correct === 'boolean') {
      const lab = labs.find((l) => l.frame.contentWindow === e.source);
      if (!lab) return;
      lab.answered += 1;
      if (d.correct) lab.right += 1;
      if (lab.step !== null) show(lab);
      return;
    }
    if (d.event !== 'step') return;
    if (!Number.isInteger(d.step) || !Number.isInteger(d.of)) return;
    const lab = labs.find((l) => l.frame.contentWindow === e.source);
    if (!lab) return;
    lab.step = d.step;
    lab.of = d.of;
    lab.action = typeof d.action === 'string' ? d.action : '';
    show(lab);
  });

  function init() {
    document.querySelectorAll('iframe.ttm-lab').forEach(setup);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
