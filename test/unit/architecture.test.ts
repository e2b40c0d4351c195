import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The dependency rule (ARCHITECTURE.md): core depends on nothing of Docent outside it; the answer
// graph and the chat adapters depend on core, never on an implementation. Only the composition
// root joins implementations to the ports.

const root = path.resolve(import.meta.dirname, '../..');

interface ImportStatement {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function typeScriptFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(dir, name));
}

function importsOf(file: string, source = readFileSync(path.join(root, file), 'utf8')): ImportStatement[] {
  const found: ImportStatement[] = [];
  for (const m of source.matchAll(IMPORT)) {
    found.push({ file, specifier: m[3] as string, typeOnly: m[2] !== undefined });
  }
  for (const m of source.matchAll(DYNAMIC_IMPORT))
    found.push({ file, specifier: m[1] as string, typeOnly: false });
  return found;
}

/** The import's target relative to the project root, or undefined for node: and npm packages. */
function target(statement: ImportStatement): string | undefined {
  if (!statement.specifier.startsWith('.')) return undefined;
  const resolved = path.resolve(root, path.dirname(statement.file), statement.specifier);
  return path.relative(root, resolved).split(path.sep).join('/');
}

const describeImport = (s: ImportStatement) => `${s.file} imports ${s.specifier}`;

/** Every import of the files under `dirs` whose target `allowed` refuses. */
function violations(dirs: string[], allowed: (to: string, statement: ImportStatement) => boolean): string[] {
  return dirs
    .flatMap(typeScriptFiles)
    .flatMap((file) => importsOf(file))
    .filter((statement) => {
      const to = target(statement);
      return to !== undefined && !allowed(to, statement);
    })
    .map(describeImport);
}

const within = (to: string, dir: string) => to === dir || to.startsWith(`${dir}/`);
// Types that describe the running process (its configuration, its logger) are shared by every layer.
const SHARED_TYPES = ['src/config.js', 'src/logger.js'];
const sharedType = (to: string, statement: ImportStatement) =>
  statement.typeOnly && SHARED_TYPES.includes(to);

describe('the dependency rule', () => {
  it('core imports nothing outside core', () => {
    expect(violations(['src/core'], (to) => within(to, 'src/core'))).toEqual([]);
  });

  it('the answer graph imports only core and its own files', () => {
    const allowed = (to: string, s: ImportStatement) =>
      within(to, 'src/core') || within(to, 'graphs') || sharedType(to, s);
    expect(violations(['graphs'], allowed)).toEqual([]);
  });

  it('adapters import only core, adapters and the shared types', () => {
    const allowed = (to: string, s: ImportStatement) =>
      within(to, 'src/core') || within(to, 'adapters') || sharedType(to, s);
    expect(violations(['adapters'], allowed)).toEqual([]);
  });

  it('the MCP server imports only core, its own files and the shared types', () => {
    const allowed = (to: string, s: ImportStatement) =>
      within(to, 'src/core') || within(to, 'src/mcp') || sharedType(to, s);
    expect(violations(['src/mcp'], allowed)).toEqual([]);
  });

  it('reads every kind of import statement, so a breach cannot hide', () => {
    const source = [
      "import { a } from '../stores/a.js';",
      "import type { B } from '../http/b.js';",
      "export { c } from '../ingestion/c.js';",
      "import '../llm/side-effect.js';",
      "const d = await import('../cli/d.js');",
      "import { e } from 'node:fs';",
    ].join('\n');
    expect(importsOf('src/core/example.ts', source)).toEqual([
      { file: 'src/core/example.ts', specifier: '../stores/a.js', typeOnly: false },
      { file: 'src/core/example.ts', specifier: '../http/b.js', typeOnly: true },
      { file: 'src/core/example.ts', specifier: '../ingestion/c.js', typeOnly: false },
      { file: 'src/core/example.ts', specifier: '../llm/side-effect.js', typeOnly: false },
      { file: 'src/core/example.ts', specifier: 'node:fs', typeOnly: false },
      { file: 'src/core/example.ts', specifier: '../cli/d.js', typeOnly: false },
    ]);
  });
});
