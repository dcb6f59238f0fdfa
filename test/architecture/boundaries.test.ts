import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * The layout's import rules (README.md "Layout", issue "Step 13"), checked on the source tree: another top-level folder
 * is imported only through its index.ts; server/ imports nothing from validation/; no import cycles between files.
 * Tests are exempt from the first rule (they test internals).
 */
const ROOT = resolve(import.meta.dirname, '..', '..');
const SKIP = new Set(['node_modules', 'dist', 'test', 'docs', 'types', 'scripts', '.git', '.cache', '.gpu-runtime']);

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.') || (dir === ROOT && SKIP.has(name)) || name === 'node_modules' || name === 'dist')
      continue;
    const path = join(dir, name);
    if (path === join(ROOT, 'models', 'training')) continue;
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Relative imports of a file (static, re-exports, dynamic with a literal), resolved to .ts paths. */
function imports(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((s) => s.startsWith('.'))
    .map((s) => {
      const p = resolve(dirname(file), s);
      if (p.endsWith('.js')) return p.slice(0, -3) + '.ts';
      try {
        if (statSync(p).isDirectory()) return join(p, 'index.ts');
      } catch {
        // not a directory: a file without extension
      }
      return p.endsWith('.ts') ? p : p + '.ts';
    });
}

const topFolder = (file: string): string => relative(ROOT, file).split(sep)[0];
const files = sources(ROOT);
const graph = new Map(files.map((f) => [f, imports(f)]));

describe('layout boundaries', () => {
  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(200);
    for (const folder of [
      'pacs-adapters',
      'models',
      'restore',
      'server',
      'viewer',
      'validation',
      'cli',
      'common',
      'wire',
    ]) {
      expect(files.some((f) => topFolder(f) === folder)).toBe(true);
    }
  });

  it('imports another top-level folder only through its index.ts', () => {
    const bad: string[] = [];
    for (const [file, deps] of graph) {
      for (const dep of deps) {
        const from = topFolder(file);
        const to = topFolder(dep);
        if (from !== to && relative(join(ROOT, to), dep) !== 'index.ts') {
          bad.push(`${relative(ROOT, file)} -> ${relative(ROOT, dep)}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('server/ imports nothing from validation/', () => {
    const bad = [...graph]
      .filter(([file]) => topFolder(file) === 'server')
      .flatMap(([file, deps]) =>
        deps.filter((d) => topFolder(d) === 'validation').map((d) => `${relative(ROOT, file)} -> ${relative(ROOT, d)}`),
      );
    expect(bad).toEqual([]);
  });

  it('has no import cycles (Tarjan over the file graph)', () => {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const on = new Set<string>();
    const cycles: string[][] = [];
    let n = 0;
    const visit = (v: string): void => {
      index.set(v, n);
      low.set(v, n++);
      stack.push(v);
      on.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!graph.has(w)) continue;
        if (!index.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
      if (low.get(v) === index.get(v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          on.delete(w);
          scc.push(relative(ROOT, w));
        } while (w !== v);
        if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(scc.sort());
      }
    };
    for (const f of graph.keys()) if (!index.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});
