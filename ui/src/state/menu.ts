/** Native menu items arrive by id; each does what its button or shortcut does. */
import type { MenuAction } from '../lib/api';
import { screens } from './screens.svelte';
import { browser } from './browser.svelte';
import { backUpNow, openHistoryForSelection, restoreBackup, showTrash, undo } from './actions';
import { selection } from './selection.svelte';
import { announcer } from './announcer.svelte';
import { pickAndImportImages } from './imports.svelte';

export function runMenu(id: MenuAction, focusSearch: () => void): void {
  switch (id) {
    case 'new-product':
      screens.openEditor({ kind: 'new' });
      break;
    case 'import-images':
      void pickAndImportImages();
      break;
    case 'import-csv':
      screens.dialog = { kind: 'import-csv' };
      break;
    case 'export':
      screens.dialog = { kind: 'export', ids: selection.list() };
      break;
    case 'backup-now':
      void backUpNow();
      break;
    case 'restore-backup':
      void restoreBackup();
      break;
    case 'undo':
      void undo();
      break;
    case 'find':
      focusSearch();
      break;
    case 'view-grid':
    case 'view-table':
      screens.screen = 'products';
      showTrash(false);
      browser.view = id === 'view-grid' ? 'grid' : 'table';
      break;
    case 'view-trash':
      showTrash(true);
      break;
    case 'view-history':
      openHistoryForSelection();
      break;
    case 'about':
      screens.dialog = { kind: 'about' };
      break;
    case 'connect-team-server':
      screens.dialog = { kind: 'team' };
      break;
    default:
      // "Open library folder" is handled by the shell; image import waits for its commands.
      announcer.say(`“${id}” is not available in this window yet.`);
  }
}
