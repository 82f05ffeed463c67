// Where a page load's time goes (issue 16), a measurement script, not a test: a CDP CPU profile
// of one fresh page from navigation to its first usable render, by function (self and
// inclusive ms). The shipped wasm has no names; for a readable profile serve a copy of dist/
// whose wasm keeps them:
//   H=$(basename dist/*_bg.wasm _bg.wasm); cp -r dist /tmp/distp
//   wasm-bindgen --target web --no-typescript --keep-debug --out-dir /tmp/wbg --out-name ttm-web \
//     target/wasm32-unknown-unknown/web/ttm-web.wasm
//   cp /tmp/wbg/ttm-web_bg.wasm /tmp/distp/${H}_bg.wasm
//   sed -i 's/ integrity="[^"]*"//g' /tmp/distp/index.html     # the copy's hashes differ
//   node e2e/serve.mjs /tmp/distp &
//   BASE_URL=http://127.0.0.1:PORT/ node e2e/profile-load.mjs pool-refill
import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'], headless: true });
const c = await b.newContext({ viewport: { width: 1280, height: 720 } });
const p = await c.newPage();
p.on('pageerror', (e) => console.log('page error:', e.message));
const cdp = await c.newCDPSession(p);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
await p.goto(process.env.BASE_URL + (process.argv[2].startsWith('?') ? process.argv[2] : '?walkthrough=' + process.argv[2]));
await p.locator('[data-pos]').first().waitFor({ state: 'attached' });
console.log('render at', await p.evaluate(() => performance.now()));
const { profile } = await cdp.send('Profiler.stop');
const self = new Map(); const byId = new Map(profile.nodes.map(n => [n.id, n]));
const dt = profile.timeDeltas; let total = 0;
profile.samples.forEach((id, i) => { const n = byId.get(id); const k = n.callFrame.functionName || n.callFrame.url.split('/').pop() || '(anon)'; self.set(k, (self.get(k) || 0) + (dt[i] || 0)); total += dt[i] || 0; });
// inclusive: walk parents
const parent = new Map(); profile.nodes.forEach(n => (n.children || []).forEach(ch => parent.set(ch, n.id)));
const incl = new Map();
profile.samples.forEach((id, i) => { const seen = new Set(); let cur = id; while (cur !== undefined) { const n = byId.get(cur); const k = n.callFrame.functionName || '(anon)'; if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) || 0) + (dt[i] || 0)); } cur = parent.get(cur); } });
console.log('total sampled ms', (total / 1000).toFixed(0));
console.log('SELF'); [...self].sort((a, b) => b[1] - a[1]).slice(0, 25).forEach(([k, v]) => console.log((v / 1000).toFixed(1).padStart(8), k.slice(0, 120)));
console.log('INCLUSIVE'); [...incl].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 45)).forEach(([k, v]) => console.log((v / 1000).toFixed(1).padStart(8), k.slice(0, 120)));
await b.close();
