/**
 * The launch benchmark's finish line: the first page of the grid is on screen and every
 * thumbnail in view has loaded (or failed and shows its placeholder).
 */
import { perfMark } from '../lib/api';

function inView(element: Element): boolean {
  const r = element.getBoundingClientRect();
  return r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
}

function settled(img: HTMLImageElement): Promise<void> {
  if (img.complete) return Promise.resolve();
  return new Promise((resolve) => {
    img.addEventListener('load', () => resolve(), { once: true });
    img.addEventListener('error', () => resolve(), { once: true });
  });
}

/**
 * Waits for the thumbnails in view, then marks. The grid may lay itself out again meanwhile
 * (a width measured late changes the columns), and an <img> taken out of the page never
 * fires `load`, so the images in view are looked up again until they have all settled.
 */
export async function markFirstThumbnails(): Promise<void> {
  for (;;) {
    const grid = document.querySelector('[data-testid="product-grid"]');
    const pending = [...(grid?.querySelectorAll('img') ?? [])].filter(
      (img) => inView(img) && !img.complete,
    );
    if (pending.length === 0) break;
    await Promise.race([Promise.all(pending.map(settled)), delay(50)]);
  }
  perfMark('shelf:first-thumbnails');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
