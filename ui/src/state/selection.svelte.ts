/**
 * Multi-select over the loaded rows, by product id so a reload keeps what is still there.
 * Click selects one, Ctrl/Cmd+click toggles, Shift+click extends from the anchor; the arrow
 * keys move the focus and Shift+arrows extend.
 */
import { SvelteSet } from 'svelte/reactivity';

export interface Modifiers {
  toggle: boolean;
  extend: boolean;
}

class Selection {
  ids = new SvelteSet<number>();
  /** Index of the row with keyboard focus (the "cursor"). */
  focus = $state(0);
  #anchor = 0;

  has(id: number): boolean {
    return this.ids.has(id);
  }

  get size(): number {
    return this.ids.size;
  }

  list(): number[] {
    return [...this.ids];
  }

  clear(): void {
    this.ids.clear();
  }

  /** Mouse click on row `index` of `rowIds`. */
  click(index: number, rowIds: readonly number[], mods: Modifiers): void {
    const id = rowIds[index];
    if (id === undefined) return;
    if (mods.extend) {
      this.#range(this.#anchor, index, rowIds, mods.toggle);
    } else if (mods.toggle) {
      if (this.ids.has(id)) this.ids.delete(id);
      else this.ids.add(id);
      this.#anchor = index;
    } else {
      this.ids.clear();
      this.ids.add(id);
      this.#anchor = index;
    }
    this.focus = index;
  }

  /** Arrow keys: move the focus by `delta` rows, selecting it (or extending with Shift). */
  move(delta: number, rowIds: readonly number[], extend: boolean): void {
    if (rowIds.length === 0) return;
    const index = Math.max(0, Math.min(rowIds.length - 1, this.focus + delta));
    if (extend) {
      this.#range(this.#anchor, index, rowIds, false);
      this.focus = index;
    } else {
      this.click(index, rowIds, { toggle: false, extend: false });
    }
  }

  all(rowIds: readonly number[]): void {
    for (const id of rowIds) this.ids.add(id);
  }

  /** Forgets ids that are no longer loaded (after a reload, a trash, a filter). */
  keepOnly(rowIds: readonly number[]): void {
    const present = new Set(rowIds);
    for (const id of [...this.ids]) if (!present.has(id)) this.ids.delete(id);
    if (this.focus >= rowIds.length) this.focus = Math.max(0, rowIds.length - 1);
  }

  #range(from: number, to: number, rowIds: readonly number[], add: boolean): void {
    if (!add) this.ids.clear();
    const [lo, hi] = from <= to ? [from, to] : [to, from];
    for (let i = lo; i <= hi; i++) {
      const id = rowIds[i];
      if (id !== undefined) this.ids.add(id);
    }
  }
}

export const selection = new Selection();
