/**
 * Actions that buttons, keys and the native menu all trigger, written once here so the three
 * routes behave the same.
 */
import {
  backupNow,
  restoreFromBackup,
  restoreProducts,
  trashProducts,
  undoLastChange,
} from '../lib/api';
import { announcer } from './announcer.svelte';
import { toCommandError } from '../lib/api';
import { count } from '../format/count';
import { selection } from './selection.svelte';
import { screens } from './screens.svelte';
import { browser } from './browser.svelte';
import { team } from './team.svelte';

export async function trashSelection(): Promise<void> {
  const ids = selection.list();
  if (ids.length === 0 || browser.filters.inTrash) return;
  try {
    const n = await trashProducts(ids);
    selection.clear();
    void browser.follow(ids.map((id) => ({ entity: 'product', id: String(id), kind: 'trashed' })));
    // Undo works on this computer's library only so far; the trash view brings back either.
    const back = team.on ? 'The trash view brings them back.' : 'Ctrl+Z brings back.';
    announcer.say(`Moved ${count(n, 'product')} to the trash. ${back}`);
  } catch (err) {
    announcer.say(toCommandError(err).message, 'error');
  }
}

export async function restore(ids: number[]): Promise<void> {
  try {
    const n = await restoreProducts(ids);
    for (const id of ids) selection.ids.delete(id);
    void browser.follow(ids.map((id) => ({ entity: 'product', id: String(id), kind: 'restored' })));
    announcer.say(`Restored ${count(n, 'product')} from the trash.`);
  } catch (err) {
    announcer.say(toCommandError(err).message, 'error');
  }
}

export async function undo(): Promise<void> {
  try {
    const product = await undoLastChange();
    announcer.say(
      product ? `Undid the last change to ${product.name} (${product.sku}).` : 'Nothing to undo.',
    );
  } catch (err) {
    announcer.say(toCommandError(err).message, 'error');
  }
}

/** "Back up now": Rust asks where; a verified archive of the catalog and the photos. */
export async function backUpNow(): Promise<void> {
  announcer.say('Backing up…');
  try {
    const summary = await backupNow(() => {}).done;
    if (summary) {
      const mb = Math.round(summary.bytes / 104857.6) / 10;
      announcer.say(
        `Backed up ${summary.originals} photos and the ${team.on ? 'team ' : ''}catalog (${mb} MB) to ${summary.path}.`,
      );
      if (summary.originals_missing.length > 0) {
        announcer.say(
          `${summary.originals_missing.length} photo files were missing; run the integrity check.`,
          'error',
        );
      }
    }
  } catch (err) {
    announcer.say(toCommandError(err).message, 'error');
  }
}

/** "Restore from backup…": Rust asks which archive and confirms; the app then restarts. */
export async function restoreBackup(): Promise<void> {
  try {
    let shown = -1;
    const job = restoreFromBackup((p) => {
      const tenth = p.total > 0 ? Math.floor((10 * p.done) / p.total) : 0;
      if (tenth > shown) {
        shown = tenth;
        announcer.say(`Checking and restoring the backup… ${tenth * 10}%`);
      }
    });
    const message = await job.done;
    if (message) announcer.say(message);
  } catch (err) {
    announcer.say(toCommandError(err).message, 'error');
  }
}

export function openHistoryForSelection(): void {
  const [id] = selection.list();
  if (id !== undefined) screens.dialog = { kind: 'history', id };
  else announcer.say('Select a product first to see its history.');
}

export function openBulkForSelection(): void {
  if (selection.size > 0) screens.dialog = { kind: 'bulk', ids: selection.list() };
}

export function showTrash(on: boolean): void {
  screens.screen = 'products';
  browser.setFilters({ inTrash: on });
}
