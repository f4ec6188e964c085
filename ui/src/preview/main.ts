/**
 * Dev-only entry (preview.html, served by `npm run dev`): the real App over a fake command
 * layer. `?scenario=` picks a state to look at: empty, editor, errors, conflict, import, csv, export,
 * trash, table, history, users, integrity, about. `?rows=N` sets the catalog size.
 */
import { mount, tick } from 'svelte';
import '../app.css';
import { emit, fake, installFakeBackend } from './fake-backend';

const params = new URLSearchParams(location.search);
const scenario = params.get('scenario') ?? 'grid';
installFakeBackend(scenario === 'empty' ? 0 : Number(params.get('rows') ?? 3000));
if (scenario === 'trash') {
  for (const row of fake.rows.slice(0, 6)) row.deleted_at = '2026-11-20T12:00:00.000Z';
}

const { default: App } = await import('../App.svelte');
const { screens } = await import('../state/screens.svelte');
const { browser } = await import('../state/browser.svelte');
const target = document.getElementById('app');
if (target) mount(App, { target });

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const click = (selector: string) => document.querySelector<HTMLElement>(selector)?.click();
await wait(300);

switch (scenario) {
  case 'editor':
    screens.openEditor({ kind: 'existing', id: 1 });
    break;
  case 'errors': {
    screens.openEditor({ kind: 'new' });
    await tick();
    await wait(100);
    const set = (id: string, value: string) => {
      const input = document.querySelector<HTMLInputElement>(`[data-testid="${id}"]`);
      if (input) {
        input.value = value;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }
    };
    set('field-sku', 'MUG-00008');
    set('field-name', 'Duplicate mug');
    set('field-price', '-3');
    click('[data-testid="save-product"]');
    await wait(200);
    set('field-price', '3.50');
    click('[data-testid="save-product"]');
    break;
  }
  case 'conflict':
    fake.conflictNext = true;
    screens.openEditor({ kind: 'existing', id: 1 });
    await wait(200);
    click('[data-testid="save-product"]');
    break;
  case 'import':
    emit('tauri://drag-drop', {
      paths: [
        '/tmp/MUG-00001.jpg',
        '/tmp/MUG-00001_2.jpg',
        '/tmp/corrupt.jpg',
        '/tmp/TOT-00002.png',
      ],
      position: { x: 700, y: 400 },
    });
    break;
  case 'csv':
    screens.dialog = { kind: 'import-csv' };
    await wait(100);
    click('[data-testid="csv-import"] .pick button');
    await wait(200);
    [...document.querySelectorAll<HTMLButtonElement>('[data-testid="csv-import"] footer button')]
      .find((b) => b.textContent?.includes('dry run'))
      ?.click();
    break;
  case 'export':
    screens.dialog = { kind: 'export', ids: [] };
    break;
  case 'trash':
    browser.setFilters({ inTrash: true });
    break;
  case 'table':
    browser.view = 'table';
    break;
  case 'history':
    screens.dialog = { kind: 'history', id: 1 };
    break;
  case 'users':
    screens.screen = 'users';
    break;
  case 'categories':
    screens.screen = 'categories';
    break;
  case 'integrity':
    screens.screen = 'integrity';
    await wait(100);
    click('[data-testid="run-check"]');
    break;
  case 'about':
    screens.dialog = { kind: 'about' };
    break;
  case 'scroll': {
    // Scroll far down in steps, as a seller flinging the wheel would, to exercise paging.
    for (let i = 0; i < 20; i++) {
      const grid = document.querySelector<HTMLElement>('[data-testid="product-grid"]');
      if (grid) grid.scrollTop += 4000;
      await wait(60);
    }
    const shown = document.querySelectorAll('[data-testid="product-card"]').length;
    document.title = `rendered ${shown} cards of ${browser.items.length} loaded`;
    console.info(document.title);
    break;
  }
  case 'select':
    click('[data-testid="product-card"]');
    break;
}
