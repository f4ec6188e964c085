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

export async function markFirstThumbnails(): Promise<void> {
  const grid = document.querySelector('[data-testid="product-grid"]');
  const images = [...(grid?.querySelectorAll('img') ?? [])].filter(inView);
  await Promise.all(images.map(settled));
  perfMark('shelf:first-thumbnails');
}
