// Trunk post_build hook (Trunk.toml [[hooks]]): moves the inline module script that Trunk 0.21
// injects into index.html to an external file, so the built site runs under a strict
// Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'
// (docs/embedding.md). Runs in the staging directory before Trunk copies it to dist/.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('csp-loader.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is not set)');
const page = join(dir, 'index.html');
const html = readFileSync(page, 'utf8');
const re = /<script type="module">([\s\S]*?)<\/script>/;
const m = html.match(re);
if (!m) throw new Error('csp-loader.mjs: no inline module script in index.html');
const hash = createHash('sha256').update(m[1]).digest('hex').slice(0, 16);
const name = `loader-${hash}.js`;
writeFileSync(join(dir, name), m[1].trim() + '\n');
writeFileSync(page, html.replace(re, `<script type="module" src="./${name}"></script>`));
if (re.test(readFileSync(page, 'utf8'))) throw new Error('csp-loader.mjs: an inline script is left');
