// Sizes of the built site's wasm and JS, raw and gzip (level 9), for the benchmark report.
//   node e2e/sizes.mjs [dist]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export function distSizes(dir) {
  const out = {};
  for (const f of readdirSync(dir)) {
    const kind = f.endsWith('.wasm') ? 'wasm' : f.endsWith('.js') ? 'js' : null;
    if (!kind) continue;
    const body = readFileSync(join(dir, f));
    out[kind] = { file: f, bytes: body.length, gzip_bytes: gzipSync(body, { level: 9 }).length };
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(distSizes(process.argv[2] ?? 'dist'), null, 2));
}
