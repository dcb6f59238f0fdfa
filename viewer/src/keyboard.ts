import { h } from './dom.js';
import { CT_PRESETS } from './presets.js';
import type { LeftTool } from './tools.js';

/** What the shortcuts do (main.ts wires them to the review, the cine player and the toolbar). */
export interface ShortcutActions {
  playPause(): void;
  /** Both panes `delta` slices on (the restored pane follows the original; see Review.step). */
  step(delta: number): void;
  first(): void;
  last(): void;
  /** CT preset by its position in CT_PRESETS. */
  preset(index: number): void;
  toggleDifference(): void;
  /** Flicker (the restored pane alternating original / restored) on / off. */
  toggleFlicker(): void;
  toggleSliceSync(): void;
  tool(tool: LeftTool): void;
  /** Cine speed one step down (−1) or up (+1) in CINE_SPEEDS. */
  speed(direction: -1 | 1): void;
  removeLastMeasurement(): void;
  /** Shows or hides the help overlay (toggles without an argument). */
  help(show?: boolean): void;
}

export interface Shortcut {
  /** `KeyboardEvent.key` values. */
  readonly keys: readonly string[];
  /** How the key is written in the help. */
  readonly label: string;
  readonly description: string;
  readonly run: (actions: ShortcutActions, key: string) => void;
}

/** Every shortcut: the help overlay and viewer/README.md list this table. */
export const SHORTCUTS: readonly Shortcut[] = Object.freeze([
  { keys: [' '], label: 'Space', description: 'Cine: play / pause', run: (a) => a.playPause() },
  { keys: ['ArrowUp'], label: '↑', description: 'Previous slice / frame', run: (a) => a.step(-1) },
  { keys: ['ArrowDown'], label: '↓', description: 'Next slice / frame', run: (a) => a.step(1) },
  { keys: ['PageUp'], label: 'Page Up', description: '10 slices back', run: (a) => a.step(-10) },
  { keys: ['PageDown'], label: 'Page Down', description: '10 slices on', run: (a) => a.step(10) },
  { keys: ['Home'], label: 'Home', description: 'First slice', run: (a) => a.first() },
  { keys: ['End'], label: 'End', description: 'Last slice', run: (a) => a.last() },
  {
    keys: CT_PRESETS.map((_, i) => String(i + 1)),
    label: `1 – ${CT_PRESETS.length}`,
    description: `CT presets: ${CT_PRESETS.map((p, i) => `${i + 1} ${p.label.toLowerCase()}`).join(', ')}`,
    run: (a, key) => a.preset(Number(key) - 1),
  },
  { keys: ['d', 'D'], label: 'D', description: 'Difference view on / off', run: (a) => a.toggleDifference() },
  {
    keys: ['f', 'F'],
    label: 'F',
    description: 'Flicker on / off: the restored pane alternates original / restored',
    run: (a) => a.toggleFlicker(),
  },
  { keys: ['s', 'S'], label: 'S', description: 'Slice sync on / off', run: (a) => a.toggleSliceSync() },
  { keys: ['w', 'W'], label: 'W', description: 'Left button: window / level', run: (a) => a.tool('windowLevel') },
  { keys: ['l', 'L'], label: 'L', description: 'Left button: length', run: (a) => a.tool('length') },
  { keys: ['e', 'E'], label: 'E', description: 'Left button: elliptical ROI', run: (a) => a.tool('ellipse') },
  { keys: ['r', 'R'], label: 'R', description: 'Left button: rectangle ROI', run: (a) => a.tool('rectangle') },
  {
    keys: ['Delete'],
    label: 'Delete',
    description: 'Remove the last measurement',
    run: (a) => a.removeLastMeasurement(),
  },
  { keys: ['['], label: '[', description: 'Cine slower', run: (a) => a.speed(-1) },
  { keys: [']'], label: ']', description: 'Cine faster', run: (a) => a.speed(1) },
  { keys: ['?'], label: '?', description: 'This help (Esc closes it)', run: (a) => a.help() },
  { keys: ['Escape'], label: 'Esc', description: 'Close the help', run: (a) => a.help(false) },
]);

/** The shortcut for a key press, or undefined (with Ctrl, Alt or Meta held the browser keeps the key). */
export function matchShortcut(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey'>): Shortcut | undefined {
  if (e.ctrlKey || e.altKey || e.metaKey) return undefined;
  return SHORTCUTS.find((s) => s.keys.includes(e.key));
}

/** Where typing must not trigger shortcuts (the token, steps and select fields). */
function isTextEntry(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(target.type))
  );
}

/**
 * Listens for the shortcuts on the whole page, except while a text field or a select has the focus. A focused
 * button or checkbox loses the focus so that Space does not press it as well.
 */
export function attachShortcuts(doc: Document, actions: ShortcutActions): void {
  doc.addEventListener('keydown', (e) => {
    if (isTextEntry(e.target)) return;
    const shortcut = matchShortcut(e);
    if (!shortcut) return;
    e.preventDefault();
    if (e.target instanceof HTMLButtonElement || e.target instanceof HTMLInputElement) e.target.blur();
    shortcut.run(actions, e.key);
  });
}

/** The help overlay's table rows. */
export function renderShortcutHelp(table: HTMLElement): void {
  table.replaceChildren(
    ...SHORTCUTS.map((s) => h('tr', {}, h('th', { scope: 'row' }, h('kbd', {}, s.label)), h('td', {}, s.description))),
  );
}
