import type { Express } from 'express';

/** One route the app registers: method and full path pattern (`:param` as Express spells it). */
export interface RouteEntry {
  readonly method: string;
  readonly path: string;
}

interface LayerLike {
  readonly rawPath?: unknown;
  readonly route?: { readonly path: unknown; readonly methods: Record<string, boolean> };
  readonly handle?: { readonly stack?: readonly LayerLike[] };
  readonly name?: string;
}

/**
 * Every route the Express 5 app registers, found by walking `app.router.stack` and the stacks of mounted routers
 * (router 2.x keeps a layer's mount path in `rawPath`), so a route added later is swept without editing a list.
 * Static file layers (`serveStatic`) come back as method `STATIC` with their mount path.
 */
export function enumerateRoutes(app: Express): RouteEntry[] {
  const out: RouteEntry[] = [];
  const walk = (stack: readonly LayerLike[], prefix: string): void => {
    for (const layer of stack) {
      const at = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const p of paths) {
          for (const [m, on] of Object.entries(layer.route.methods)) {
            if (on && m !== '_all') out.push({ method: m.toUpperCase(), path: `${prefix}${String(p)}` });
          }
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, `${prefix}${at}`);
      } else if (layer.name === 'serveStatic') {
        out.push({ method: 'STATIC', path: `${prefix}${at}` || '/' });
      }
    }
  };
  const router = (app as unknown as { router: { stack: LayerLike[] } }).router;
  walk(router.stack, '');
  return [...new Map(out.map((r) => [`${r.method} ${r.path}`, r])).values()];
}

/** A concrete URL path for a route pattern, each `:param` (or `*param`) filled from `values` (else 'x'). */
export function fillPath(pattern: string, values: Readonly<Record<string, string>>): string {
  return pattern.replace(/[:*](\w+)/g, (_m, name: string) => encodeURIComponent(values[name] ?? 'x'));
}
