import { ViewerError } from './errors.js';

/**
 * The element with this id, checked against the expected class.
 * @throws VIEWER_ERR_DOM when it is missing or of another kind (index.html and the code disagree)
 */
export function byId<T extends HTMLElement>(id: string, kind: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof kind)) {
    throw new ViewerError(
      'VIEWER_ERR_DOM',
      `byId: #${id}: expected a ${kind.name}, got ${el ? el.tagName : 'nothing'}`,
    );
  }
  return el;
}

type Child = Node | string | undefined | false;

/** A small element builder: `h('li', { class: 'x', 'data-uid': uid }, 'text', child)`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== undefined && c !== false) el.append(c);
  return el;
}
