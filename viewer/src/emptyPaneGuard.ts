/** The pointer and wheel events Cornerstone's tools act on (a drag starts with a press). */
const TOOL_EVENTS = ['wheel', 'mousedown', 'pointerdown', 'touchstart', 'mousemove', 'dblclick'] as const;

/**
 * Keeps the tools off a pane with no images: before a series is picked, Cornerstone's stack scroll threw "Scroll::Stack
 * Viewport has no images" on a wheel and the window/level, pan and zoom tools "Viewport is not a valid type" on a drag,
 * as uncaught page errors. The events are stopped on their way down (capture phase on the pane around the viewport
 * element), so no tool sees them while `isEmpty()`.
 * @param pane - an ancestor of the viewport element
 * @returns a function that removes the guard
 */
export function guardEmptyPane(pane: HTMLElement, isEmpty: () => boolean): () => void {
  const stop = (e: Event): void => {
    if (!isEmpty()) return;
    e.stopPropagation();
    // A wheel on an empty pane would otherwise scroll the page under the reader's hand.
    if (e.type === 'wheel') e.preventDefault();
  };
  for (const type of TOOL_EVENTS) pane.addEventListener(type, stop, { capture: true, passive: false });
  return () => {
    for (const type of TOOL_EVENTS) pane.removeEventListener(type, stop, { capture: true });
  };
}
