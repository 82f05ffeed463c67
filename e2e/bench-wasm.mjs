// Native against wasm (issue 16), the node half of scripts/bench-wasm.sh: times
// `populate(pages)` of each wasm module given and prints it beside the native JSON line.
//   node e2e/bench-wasm.mjs PAGES RUNS NATIVE_JSON WASM_BENCH WASM_WEB
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [pages, runs, nativeJson, ...modules] = process.argv.slice(2);
const native = JSON.parse(nativeJson);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = [['native (bench profile)', native.ms, native.events]];
for (const [label, file] of [['wasm (bench profile)', modules[0]], ['wasm (web profile, as shipped)', modules[1]]]) {
  const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
  const ms = [];
  let events = 0n;
  for (let i = 0; i < Number(runs); i++) {
    const t = performance.now();
    events = instance.exports.populate(Number(pages));
    ms.push(performance.now() - t);
  }
  if (Number(events) !== native.events) {
    throw new Error(`${label}: ${events} events, native ${native.events}`);
  }
  rows.push([label, ms, Number(events)]);
}
const base = median(native.ms);
console.log(`populate of a ${pages}-page wc tt, ${native.events} events, ${runs} runs each (median, min, all in ms):`);
for (const [label, ms, _] of rows) {
  const m = median(ms);
  console.log(`  ${label.padEnd(36)} median ${m.toFixed(1).padStart(7)}  min ${Math.min(...ms).toFixed(1).padStart(7)}  ${(m / base).toFixed(2)}× native  [${ms.map((x) => x.toFixed(0)).join(', ')}]`);
}
