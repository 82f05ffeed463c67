// Minimal static file server for the built site (dist/), bound to loopback on a free port.
//   node e2e/serve.mjs <dir> [port] [--header "Name: value"]... [--file /url/path=local/file]...
// --header adds a response header to every response (e.g. a Content-Security-Policy); --file serves
// an extra local file at a URL path (e.g. an embedding host page next to the site).
// Prints its base URL ("http://127.0.0.1:PORT/") as the first line of stdout, then serves until killed.
// Serves .wasm as application/wasm (needed by WebAssembly.instantiateStreaming).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const positional = [];
const headers = {};
const files = {};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--header') {
    const h = process.argv[++i] ?? '';
    const at = h.indexOf(':');
    headers[h.slice(0, at).trim().toLowerCase()] = h.slice(at + 1).trim();
  } else if (a === '--file') {
    const f = process.argv[++i] ?? '';
    const at = f.indexOf('=');
    files[f.slice(0, at)] = resolve(f.slice(at + 1));
  } else positional.push(a);
}
const root = resolve(positional[0] ?? 'dist');
const port = Number(positional[1] ?? 0);
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const server = createServer(async (req, res) => {
  try {
    const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    let file = files[path] ?? normalize(join(root, path));
    if (!files[path] && file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
    const body = await readFile(file);
    res.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      ...headers,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${server.address().port}/`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
