import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The admin console's page and assets, built by `npm run build` into dist/console. They hold no
 * data, so they are served without the token; every call they make to the admin API sends it.
 */

// No inline script or style, nothing from elsewhere, no framing: the page can only talk to Docent.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

interface Asset {
  body: Buffer;
  type: string;
}

/** The package's root: the nearest folder up from here with a package.json (from src/ or dist/src/). */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/**
 * The built files, read once into memory: a handful of small files, and only names found at start
 * can be asked for, so no request path ever reaches the file system.
 */
function loadBuiltConsole(dir: string): { index: Buffer; assets: Map<string, Asset> } | undefined {
  const indexPath = path.join(dir, 'index.html');
  if (!existsSync(indexPath)) return undefined;
  const assets = new Map<string, Asset>();
  const assetDir = path.join(dir, 'assets');
  for (const name of existsSync(assetDir) ? readdirSync(assetDir) : []) {
    const type = CONTENT_TYPES[path.extname(name)];
    if (type) assets.set(name, { body: readFileSync(path.join(assetDir, name)), type });
  }
  return { index: readFileSync(indexPath), assets };
}

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY');
}

export async function consoleRoutes(app: FastifyInstance, options: { dir?: string } = {}): Promise<void> {
  const built = loadBuiltConsole(options.dir ?? path.join(packageRoot(), 'dist', 'console'));

  app.get('/admin', (_request, reply) => reply.redirect('/admin/'));

  app.get('/admin/', (_request, reply) => {
    securityHeaders(reply).header('cache-control', 'no-cache');
    if (!built)
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The admin console is not built: run `npm run build`.');
    return reply.type(CONTENT_TYPES['.html'] as string).send(built.index);
  });

  app.get<{ Params: { name: string } }>('/admin/assets/:name', (request, reply) => {
    const asset = built?.assets.get(request.params.name);
    securityHeaders(reply);
    if (!asset) return reply.code(404).send({ error: 'not_found' });
    // Names carry a hash of their content: a changed file has a new name, so these never go stale.
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .type(asset.type)
      .send(asset.body);
  });
}
