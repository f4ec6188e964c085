/** Window-wide shortcuts. Typing in a field keeps its own Ctrl+Z, Delete and Ctrl+A. */
import { screens } from './screens.svelte';
import { browser } from './browser.svelte';
import { selection } from './selection.svelte';
import { trashSelection, undo } from './actions';

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function handleGlobalKey(event: KeyboardEvent, focusSearch: () => void): void {
  const ctrl = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (ctrl && key === 'f') {
    event.preventDefault();
    focusSearch();
  } else if (ctrl && key === 'n') {
    event.preventDefault();
    screens.openEditor({ kind: 'new' });
  } else if (ctrl && key === 'z' && !event.shiftKey && !typingIn(event.target)) {
    if (screens.dialog.kind !== 'none') return;
    event.preventDefault();
    void undo();
  } else if (ctrl && key === 'a' && !typingIn(event.target)) {
    if (screens.dialog.kind !== 'none' || screens.screen !== 'products') return;
    event.preventDefault();
    selection.all(browser.items.map((p) => p.id));
  } else if (event.key === 'Delete' && !typingIn(event.target)) {
    if (screens.dialog.kind !== 'none' || screens.screen !== 'products') return;
    event.preventDefault();
    void trashSelection();
  }
}
