// ttm-lab-embed.js: the <ttm-lab> custom element, which embeds a TTM Lab walkthrough in any page.
//
//   <script src="https://where-ttm-lab-is/ttm-lab-embed.js" defer></script>
//   <ttm-lab walkthrough="pool-refill" from="18" to="2097" exercises>
//     <a href="https://where-ttm-lab-is/?walkthrough=pool-refill">pool-refill in TTM Lab</a>
//   </ttm-lab>
//
// The element replaces its content (a fallback for readers without JavaScript) with an <iframe> of
// the app in embed mode, gives the frame a title for screen readers, sizes it to the height the app
// reports (unless `height` is set), offers goto(step), play() and pause(), and dispatches
// `ttmlab-step` / `ttmlab-answer` events. Underneath is the versioned postMessage API of
// docs/embedding.md. No dependencies, no inline script or style, no eval: it runs under
// `script-src 'self' 'wasm-unsafe-eval'`, and the app may be on another origin than the page.
(function () {
  'use strict';
  if (typeof window === 'undefined' || !window.customElements || customElements.get('ttm-lab')) return;

  /** The postMessage protocol version this script speaks (docs/embedding.md). */
  const PROTOCOL = 1;
  /** Attributes carried into the embed's URL as they are (docs/embedding.md, "Parameters"). */
  const VALUES = ['walkthrough', 'scenario', 'problem', 'difficulty', 'from', 'to', 'step',
    'driver', 'era', 'fidelity', 'ram_mib', 'swiotlb', 'agp', 'accel', 'kernel'];
  /** Boolean attributes: present (and not "0" or "false") means `=1`. */
  const FLAGS = ['autoplay', 'loop', 'exercises'];
  /** The order of the URL's parameters (stable, so a page's markup gives the same address). */
  const ORDER = ['walkthrough', 'scenario', 'problem', 'difficulty', 'from', 'to', 'step',
    'autoplay', 'loop', 'exercises', 'theme', 'driver', 'era', 'fidelity', 'ram_mib', 'swiotlb', 'agp', 'accel', 'kernel'];
  /** The frame's height until the app has reported its own (and where it reports none). */
  const START_HEIGHT = 480;

  // Where the app is, unless an element says otherwise: next to this script (the built site's
  // root holds both index.html and ttm-lab-embed.js).
  const script = document.currentScript;
  const HERE = script && script.src ? new URL('./', script.src).href : './';

  const labs = new Set();

  function flag(el, name) {
    if (!el.hasAttribute(name)) return false;
    const v = (el.getAttribute(name) || '').trim().toLowerCase();
    return v !== '0' && v !== 'false' && v !== 'no' && v !== 'off';
  }

  /** The frame's address: `src` (default: the app next to this script) + `embed=1&…`. */
  function frameSrc(el) {
    const params = [['embed', '1']];
    for (const name of ORDER) {
      if (FLAGS.includes(name)) {
        if (flag(el, name)) params.push([name, '1']);
      } else if ((VALUES.includes(name) || name === 'theme') && el.hasAttribute(name)) {
        const v = el.getAttribute(name).trim();
        if (v !== '') params.push([name, v]);
      }
    }
    const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    const base = (el.getAttribute('src') || '').trim() || HERE;
    return base + (base.includes('?') ? '&' : '?') + query;
  }

  /** The origin the frame's messages come from and commands go to ('*' where it has none). */
  function originOf(src) {
    try {
      const o = new URL(src, document.baseURI).origin;
      return o && o !== 'null' ? o : '*';
    } catch (_) {
      return '*';
    }
  }

  function frameTitle(el) {
    const t = (el.getAttribute('title') || '').trim();
    if (t) return t;
    const what = el.getAttribute('walkthrough') || (el.hasAttribute('problem') ? `problem ${el.getAttribute('problem')}` : 'scenario');
    return `TTM Lab walkthrough: ${what}`;
  }

  /** A CSS length from the `height` attribute: a bare number is pixels; empty or "auto": none. */
  function fixedHeight(el) {
    const h = (el.getAttribute('height') || '').trim();
    if (h === '' || h === 'auto') return null;
    return /^\d+(\.\d+)?$/.test(h) ? `${h}px` : h;
  }

  class TtmLab extends HTMLElement {
    static get observedAttributes() {
      return [...ORDER, 'src', 'title', 'height', 'loading'];
    }

    constructor() {
      super();
      this.frame = null;
      this._origin = '*';
      this._ready = false;
      this._queue = [];
      this._step = null;
      this._of = null;
      this._action = '';
      this._reported = null;
    }

    /** The position the embed last reported (null before it has loaded). */
    get step() { return this._step; }
    /** The trace's length (null before the embed has loaded). */
    get of() { return this._of; }
    /** The label of the scenario step the position is in. */
    get action() { return this._action; }
    /** The position in the app's words: "step 2 of 3 (populate tt 0) · call 5 of 213". */
    get position() { return this._position ?? ''; }
    /** Whether the embed has loaded and reported its first position. */
    get ready() { return this._ready; }

    connectedCallback() {
      labs.add(this);
      if (this.frame) return;
      if (getComputedStyle(this).display === 'inline') this.style.display = 'block';
      const f = document.createElement('iframe');
      f.className = 'ttm-lab';
      f.setAttribute('loading', this.getAttribute('loading') || 'lazy');
      f.style.display = 'block';
      f.style.width = '100%';
      f.style.border = '1px solid rgba(128, 128, 128, 0.45)';
      f.style.borderRadius = '4px';
      this.frame = f;
      this._load();
      // The content (a link for readers without JavaScript) gives way to the frame.
      this.replaceChildren(f);
    }

    disconnectedCallback() {
      labs.delete(this);
    }

    attributeChangedCallback(name, old, now) {
      if (!this.frame || old === now) return;
      if (name === 'title') this.frame.setAttribute('title', frameTitle(this));
      else if (name === 'height') this._size();
      else if (name === 'loading') this.frame.setAttribute('loading', now || 'lazy');
      else this._load();
    }

    /** Move to position `step` (a whole number >= 0; the embed clamps it to its range). */
    goto(step) {
      if (!Number.isInteger(step) || step < 0) throw new RangeError(`ttm-lab goto: not a position: ${step}`);
      this._send({ command: 'goto', step });
    }

    /** Play (from `from` again when at `to`). */
    play() { this._send({ command: 'play' }); }

    /** Pause. */
    pause() { this._send({ command: 'pause' }); }

    _load() {
      const src = frameSrc(this);
      this._origin = originOf(src);
      this._ready = false;
      this._step = null;
      this._of = null;
      this._reported = null;
      this.frame.setAttribute('title', frameTitle(this));
      if (this.frame.getAttribute('src') !== src) this.frame.setAttribute('src', src);
      this._size();
    }

    _size() {
      const fixed = fixedHeight(this);
      this.frame.style.height = fixed || `${this._reported || START_HEIGHT}px`;
      this.frame.dataset.height = fixed ? 'fixed' : this._reported ? 'content' : 'start';
    }

    // Commands wait for the embed to load (its first step event), then go in order.
    _send(command) {
      const message = { type: 'ttm-lab', version: PROTOCOL, ...command };
      if (!this._ready) {
        this._queue.push(message);
        return;
      }
      if (this.frame.contentWindow) this.frame.contentWindow.postMessage(message, this._origin);
    }

    _receive(d) {
      if (d.event === 'height') {
        if (typeof d.height === 'number' && d.height > 0 && d.height < 1e5) {
          this._reported = Math.ceil(d.height);
          this._size();
        }
        return;
      }
      if (d.event === 'step') {
        if (!Number.isInteger(d.step) || !Number.isInteger(d.of)) return;
        this._step = d.step;
        this._of = d.of;
        this._action = typeof d.action === 'string' ? d.action : '';
        this._position = typeof d.position === 'string' ? d.position : '';
        const first = !this._ready;
        this._ready = true;
        this.dispatchEvent(new CustomEvent('ttmlab-step', {
          bubbles: true,
          detail: { step: d.step, of: d.of, action: this._action, position: this._position },
        }));
        if (first) {
          const queued = this._queue.splice(0);
          for (const m of queued) this.frame.contentWindow.postMessage(m, this._origin);
        }
        return;
      }
      if (d.event === 'answer') {
        if (!Number.isInteger(d.step) || typeof d.correct !== 'boolean') return;
        this.dispatchEvent(new CustomEvent('ttmlab-answer', {
          bubbles: true,
          detail: { step: d.step, correct: d.correct },
        }));
      }
    }
  }

  window.addEventListener('message', (e) => {
    const d = e.data;
    if (!d || typeof d !== 'object' || d.type !== 'ttm-lab') return;
    // Version 1, or an app from before versions (which spoke version 1).
    if (d.version !== undefined && d.version !== PROTOCOL) return;
    for (const lab of labs) {
      if (lab.frame && e.source === lab.frame.contentWindow) {
        if (lab._origin === '*' || e.origin === lab._origin) lab._receive(d);
        return;
      }
    }
  });

  customElements.define('ttm-lab', TtmLab);
})();
