/** Keyboard moves over the product browser, shared by the grid (many columns) and the table. */
import { selection } from './selection.svelte';

export function handleBrowserKey(
  event: KeyboardEvent,
  rowIds: readonly number[],
  columns: number,
  open: (id: number) => void,
): void {
  const extend = event.shiftKey;
  const step: Record<string, number> = {
    ArrowLeft: -1,
    ArrowRight: 1,
    ArrowUp: -columns,
    ArrowDown: columns,
    PageUp: -columns * 5,
    PageDown: columns * 5,
  };
  if (event.key in step) {
    event.preventDefault();
    selection.move(step[event.key], rowIds, extend);
  } else if (event.key === 'Home' || event.key === 'End') {
    event.preventDefault();
    const target = event.key === 'Home' ? 0 : rowIds.length - 1;
    selection.move(target - selection.focus, rowIds, extend);
  } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a') {
    event.preventDefault();
    selection.all(rowIds);
  } else if (event.key === 'Enter') {
    const id = rowIds[selection.focus];
    if (id !== undefined) {
      event.preventDefault();
      open(id);
    }
  } else if (event.key === ' ') {
    event.preventDefault();
    selection.click(selection.focus, rowIds, { toggle: true, extend: false });
  }
}

/**
 * Reads Ctrl/Cmd and Shift from a click, and moves keyboard focus to the grid itself: the
 * clicked card may scroll out of the virtual window and vanish, the grid never does.
 */
export function modifiers(event: MouseEvent): { toggle: boolean; extend: boolean } {
  const grid = (event.currentTarget as HTMLElement | null)?.closest<HTMLElement>('[role="grid"]');
  grid?.focus({ preventScroll: true });
  return { toggle: event.ctrlKey || event.metaKey, extend: event.shiftKey };
}
