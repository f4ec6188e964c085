/**
 * Dropped (or picked) image files: decides which product they go to, runs the import as a
 * cancellable job, and keeps its progress and final report for the progress panel.
 */
import { importImages, pickImages, toCommandError } from '../lib/api';
import type { ImportTargetArg, ItemResult, JobReport, Progress, RunningJob } from '../lib/api';
import { announcer } from './announcer.svelte';
import { screens } from './screens.svelte';

class Imports {
  /** Shown while running and afterwards until dismissed. */
  visible = $state(false);
  progress = $state<Progress | null>(null);
  report = $state<JobReport | null>(null);
  error = $state<string | null>(null);
  targetLabel = $state('');
  #job = $state<RunningJob<JobReport> | null>(null);

  get running(): boolean {
    return this.#job !== null;
  }

  get refused(): ItemResult[] {
    return (this.report?.items ?? []).filter((i) => i.outcome === 'refused');
  }

  async run(paths: string[], target: ImportTargetArg, label: string): Promise<void> {
    if (this.#job || paths.length === 0) return;
    this.visible = true;
    this.report = null;
    this.error = null;
    this.targetLabel = label;
    this.progress = { done: 0, total: 0, bytes: 0, current: null, last: null };
    const job = importImages(paths, target, (p) => (this.progress = p));
    this.#job = job;
    try {
      this.report = await job.done;
      announcer.say(summary(this.report));
    } catch (err) {
      this.error = toCommandError(err).message;
      announcer.say(this.error, 'error');
    } finally {
      this.#job = null;
    }
  }

  async cancel(): Promise<void> {
    await this.#job?.cancel();
  }

  dismiss(): void {
    if (!this.#job) this.visible = false;
  }
}

export function summary(report: JobReport): string {
  const count = (o: string) => report.items.filter((i) => i.outcome === o).length;
  const parts = [`${count('done')} imported`];
  if (count('skipped')) parts.push(`${count('skipped')} already there`);
  if (count('warning')) parts.push(`${count('warning')} with warnings`);
  if (count('refused')) parts.push(`${count('refused')} refused`);
  return `Image import ${report.cancelled ? 'cancelled' : 'finished'}: ${parts.join(', ')}.`;
}

export const imports = new Imports();

/**
 * A drop lands on whatever is under the pointer: a product card or row, or the open editor's
 * images panel, attaches the files to that product; anywhere else they are matched by the
 * SKU in each file name.
 */
function holderAt(x: number, y: number): HTMLElement | null {
  const element = document.elementFromPoint(x, y);
  return element?.closest<HTMLElement>('[data-drop-product], [data-product-id]') ?? null;
}

let hovered: HTMLElement | null = null;

/**
 * While files are dragged over the window, marks where they would go (`data-drop-hover`): the
 * product under the pointer, or the whole browser when they would be matched by SKU.
 */
export function showDropTarget(at: { x: number; y: number } | null): void {
  const next = at
    ? (holderAt(at.x, at.y) ?? document.querySelector<HTMLElement>('[data-testid="product-grid"]'))
    : null;
  if (next === hovered) return;
  hovered?.removeAttribute('data-drop-hover');
  next?.setAttribute('data-drop-hover', '');
  hovered = next;
}

export async function dropFiles(paths: string[], x: number, y: number): Promise<void> {
  showDropTarget(null);
  // One shop or spreadsheet file: the CSV import, with its preview.
  if (paths.length === 1 && /\.(csv|tsv)$/i.test(paths[0])) {
    screens.dialog = { kind: 'import-csv', path: paths[0] };
    return;
  }
  const holder = holderAt(x, y);
  const id = Number(holder?.dataset.dropProduct ?? holder?.dataset.productId ?? NaN);
  if (Number.isInteger(id) && id > 0) {
    const sku = holder?.dataset.sku;
    await imports.run(paths, { kind: 'product', id }, sku ? `onto ${sku}` : 'onto this product');
  } else {
    await imports.run(paths, { kind: 'by_sku' }, 'by the SKU in each file name');
  }
}

export async function pickAndImportImages(): Promise<void> {
  try {
    const paths = await pickImages();
    if (paths.length > 0)
      await imports.run(paths, { kind: 'by_sku' }, 'by the SKU in each file name');
  } catch (err) {
    announcer.say(toCommandError(err).message, 'error');
  }
}
