/**
 * The UI's one door to the Rust side: a typed async function per command, the event
 * subscriptions, and the image URL helpers. Nothing else under `ui/` imports
 * `@tauri-apps/api`. Everything that names the Rust side is generated from it, and a Rust
 * test fails when a generated file is stale (`UPDATE_BINDINGS=1 cargo test -p shelfkeeper
 * bindings`): the types in `./bindings/` (ts-rs), the command functions with their argument
 * names in `./commands` and the event names, URI schemes and error kinds in `./names`
 * (src-tauri/command_bindings.rs). The functions here add defaults and marks around them.
 *
 * Errors: every command rejects with a `CommandError` `{kind, message, field?, details?}`.
 * Switch on `kind` (never on `message`), show `message` next to the input named by `field`
 * (sku, name, price, stock, barcode, currency, category, status, description, tag...). On a
 * `conflict` from `updateProduct`, `details` is the product as it is now (a `Product`).
 *
 * Long work (`checkCatalog`, `importImages`, ...) returns a `RunningJob`: `jobId` is chosen
 * here before the command starts, so `cancel()` works at once; `done` resolves with the
 * report (a cancelled job resolves with `cancelled: true`, or rejects with kind `cancelled`).
 * Progress messages arrive through `onProgress` while it runs.
 *
 * Performance marks (for `scripts/bench-app`; the UI sets them, the benchmark reads them
 * through WebDriver): call `perfMark('shelf:first-thumbnails')` once, when the first page of
 * the grid is rendered and its visible thumbnail <img>s have loaded (or failed);
 * `perfMark('shelf:search-input')` at the start of the search box's input handler, and
 * `perfMark('shelf:grid-updated')` once the grid shows the results for that text (after
 * `await tick()`).
 */
import { convertFileSrc } from '@tauri-apps/api/core';
import { commands } from './commands';
import { type RunningJob } from './ipc';
import { EVENTS, SCHEMES } from './names';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { BackupSummary } from './bindings/BackupSummary';
import type { BulkEdit } from './bindings/BulkEdit';
import type { Category } from './bindings/Category';
import type { Change } from './bindings/Change';
import type { CheckReport } from './bindings/CheckReport';
import type { CsvImportArgs } from './bindings/CsvImportArgs';
import type { CsvImportReport } from './bindings/CsvImportReport';
import type { CsvPreview } from './bindings/CsvPreview';
import type { CsvFormat } from './bindings/CsvFormat';
import type { Currency } from './bindings/Currency';
import type { ErrorKind } from './bindings/ErrorKind';
import type { ErrorReport } from './bindings/ErrorReport';
import type { ExportFormat } from './bindings/ExportFormat';
import type { ExportPhotos } from './bindings/ExportPhotos';
import type { ExportSummary } from './bindings/ExportSummary';
import type { HistoryEntry } from './bindings/HistoryEntry';
import type { ImportTargetArg } from './bindings/ImportTargetArg';
import type { JobReport } from './bindings/JobReport';
import type { LibraryInfo } from './bindings/LibraryInfo';
import type { MenuAction } from './bindings/MenuAction';
import type { Page } from './bindings/Page';
import type { OptionValues } from './bindings/OptionValues';
import type { Product } from './bindings/Product';
import type { ProductFields } from './bindings/ProductFields';
import type { ProductImage } from './bindings/ProductImage';
import type { ProductQuery } from './bindings/ProductQuery';
import type { Progress } from './bindings/Progress';
import type { Role } from './bindings/Role';
import type { SearchHit } from './bindings/SearchHit';
import type { AutoBackup } from './bindings/AutoBackup';
import type { ServiceReport } from './bindings/ServiceReport';
import type { ServicesStatus } from './bindings/ServicesStatus';
import type { Tag } from './bindings/Tag';
import type { TeamStatus } from './bindings/TeamStatus';
import type { User } from './bindings/User';
import type { Variant } from './bindings/Variant';
import type { VariantBulkEdit } from './bindings/VariantBulkEdit';
import type { VariantFields } from './bindings/VariantFields';

export type * from './bindings/AutoBackup';
export type * from './bindings/BackupSummary';
export type * from './bindings/Service';
export type * from './bindings/ServiceReport';
export type * from './bindings/ServicesStatus';
export type * from './bindings/BulkEdit';
export type * from './bindings/Category';
export type * from './bindings/Change';
export type * from './bindings/ChangeKind';
export type * from './bindings/CheckReport';
export type * from './bindings/CsvFormat';
export type * from './bindings/CsvImportArgs';
export type * from './bindings/CsvImportReport';
export type * from './bindings/CsvPreview';
export type * from './bindings/Currency';
export type * from './bindings/Cursor';
export type * from './bindings/CursorValue';
export type * from './bindings/Entity';
export type * from './bindings/ErrorKind';
export type * from './bindings/ErrorReport';
export type * from './bindings/ExportFormat';
export type * from './bindings/ExportPhotos';
export type * from './bindings/ExportSummary';
export type * from './bindings/Field';
export type * from './bindings/IssueKind';
export type * from './bindings/Layout';
export type * from './bindings/RowIssue';
export type * from './bindings/FieldChange';
export type * from './bindings/Finding';
export type * from './bindings/HistoryEntry';
export type * from './bindings/ImportTargetArg';
export type * from './bindings/ItemResult';
export type * from './bindings/JobReport';
export type * from './bindings/LibraryInfo';
export type * from './bindings/MenuAction';
export type * from './bindings/Outcome';
export type * from './bindings/Page';
export type * from './bindings/PriceChange';
export type * from './bindings/Product';
export type * from './bindings/ProductFields';
export type * from './bindings/ProductImage';
export type * from './bindings/ProductQuery';
export type * from './bindings/ProductSummary';
export type * from './bindings/Progress';
export type * from './bindings/Role';
export type * from './bindings/SearchHit';
export type * from './bindings/SortKey';
export type * from './bindings/Status';
export type * from './bindings/Tag';
export type * from './bindings/TeamStatus';
export type * from './bindings/User';
export type * from './bindings/OptionValues';
export type * from './bindings/ProductOption';
export type * from './bindings/ShopFields';
export type * from './bindings/Variant';
export type * from './bindings/VariantBulkEdit';
export type * from './bindings/VariantFields';

// ---------------------------------------------------------------------------------------
// Errors and long work (see ./ipc)

export { isCommandError, toCommandError, type CommandError, type RunningJob } from './ipc';
export { ERROR_KINDS, EVENTS } from './names';

export function cancelJob(jobId: string): Promise<boolean> {
  return commands.cancelJob(jobId);
}

// ---------------------------------------------------------------------------------------
// Library

export function libraryInfo(): Promise<LibraryInfo> {
  return commands.libraryInfo();
}

/** Shows the library folder in the file manager. */
export function openLibraryFolder(): Promise<void> {
  return commands.openLibraryFolder();
}

// ---------------------------------------------------------------------------------------
// Team server: the window on a shared catalog instead of this computer's library

/**
 * Connects to `address` (`postgresql://you@host:5432/shop`) and shows its catalog. The
 * password goes to the system keyring once the server accepts it; `null` uses the one kept
 * there. Refusals name `field` `server` (the address, TLS, the certificate) or `password`.
 */
export function connectTeamServer(address: string, password: string | null): Promise<TeamStatus> {
  return commands.connectTeamServer(address, password);
}

/** Shows this computer's own library again. */
export function disconnectTeamServer(): Promise<TeamStatus> {
  return commands.disconnectTeamServer();
}

export function teamStatus(): Promise<TeamStatus> {
  return commands.teamStatus();
}

/** The window moved to or from a team server, or its server stopped or started answering. */
export function onTeamStatus(handler: (status: TeamStatus) => void): Promise<UnlistenFn> {
  return listen<TeamStatus>(EVENTS.teamStatus, (event) => handler(event.payload));
}

// ---------------------------------------------------------------------------------------
// Products

const DEFAULT_QUERY: ProductQuery = {
  status: null,
  category_id: null,
  tag: null,
  stock_at_most: null,
  in_trash: false,
  search: null,
  sort: 'name',
  descending: false,
  after: null,
  limit: 100,
};

/** One page of products; pass `page.next` back as `after` for the following page. */
export function listProducts(query: Partial<ProductQuery> = {}): Promise<Page> {
  return commands.listProducts({ ...DEFAULT_QUERY, ...query });
}

export function searchProducts(text: string, limit = 100): Promise<SearchHit[]> {
  return commands.searchProducts(text, limit);
}

export function getProduct(id: number): Promise<Product> {
  return commands.getProduct(id);
}

export function createProduct(fields: ProductFields): Promise<Product> {
  return commands.createProduct(fields);
}

/** Rejects with kind `conflict` (details = the current `Product`) when someone saved first. */
export function updateProduct(
  id: number,
  expectedVersion: number,
  fields: ProductFields,
): Promise<Product> {
  return commands.updateProduct(id, expectedVersion, fields);
}

export function bulkEdit(ids: number[], edit: BulkEdit): Promise<number> {
  return commands.bulkEdit(ids, edit);
}

// ---------------------------------------------------------------------------------------
// Options and variants

/** Names the product's options (renames only, once it has variants). */
export function setOptions(productId: number, names: string[]): Promise<Product> {
  return commands.setOptions(productId, names);
}

/** Adds a variant for every combination of the values that the product lacks. */
export function generateVariants(
  productId: number,
  options: OptionValues[],
  priceMinor: number,
  stock: number,
): Promise<Product> {
  return commands.generateVariants(productId, options, priceMinor, stock);
}

export function createVariant(productId: number, fields: VariantFields): Promise<Variant> {
  return commands.createVariant(productId, fields);
}

/** Rejects with kind `conflict` (details = the current `Variant`) when someone saved first. */
export function updateVariant(
  id: number,
  expectedVersion: number,
  fields: VariantFields,
): Promise<Variant> {
  return commands.updateVariant(id, expectedVersion, fields);
}

export function trashVariants(ids: number[]): Promise<number> {
  return commands.trashVariants(ids);
}

export function restoreVariants(ids: number[]): Promise<number> {
  return commands.restoreVariants(ids);
}

export function bulkEditVariants(ids: number[], edit: VariantBulkEdit): Promise<number> {
  return commands.bulkEditVariants(ids, edit);
}

export function productHistory(id: number): Promise<HistoryEntry[]> {
  return commands.productHistory(id);
}

export function restoreVersion(
  id: number,
  auditId: number,
  expectedVersion: number,
): Promise<Product> {
  return commands.restoreVersion(id, auditId, expectedVersion);
}

/** Undoes the most recent change (through the history); null when there is nothing to undo. */
export function undoLastChange(): Promise<Product | null> {
  return commands.undoLastChange();
}

// Trash

export function trashProducts(ids: number[]): Promise<number> {
  return commands.trashProducts(ids);
}

export function restoreProducts(ids: number[]): Promise<number> {
  return commands.restoreProducts(ids);
}

/** Deletes for good (only products already in the trash) after the native confirmation; null when the seller says no. */
export function purgeProducts(ids: number[]): Promise<number | null> {
  return commands.purgeProducts(ids);
}

export function emptyTrash(olderThanDays: number): Promise<number | null> {
  return commands.emptyTrash(olderThanDays);
}

// Money: the UI never parses or formats prices itself.

/** Minor units for a typed price; rejects with a `validation` error on field `price`. */
export function parsePrice(text: string, currency: string): Promise<number> {
  return commands.parsePrice(text, currency);
}

export function formatPrice(minor: number, currency: string): Promise<string> {
  return commands.formatPrice(minor, currency);
}

export function listCurrencies(): Promise<Currency[]> {
  return commands.listCurrencies();
}

// ---------------------------------------------------------------------------------------
// Users, categories, tags, settings

export function listUsers(): Promise<User[]> {
  return commands.listUsers();
}

/** A new person; on a team catalog with the password of their own login on the server. */
export function createUser(
  username: string,
  displayName: string,
  email: string | null,
  role: Role,
  password: string | null = null,
): Promise<User> {
  return commands.createUser(username, displayName, email, role, password);
}

/** Changes who the history records as acting. */
export function switchUser(username: string): Promise<User> {
  return commands.switchUser(username);
}

export function setUserActive(username: string, active: boolean): Promise<User> {
  return commands.setUserActive(username, active);
}

export function deleteUser(username: string): Promise<void> {
  return commands.deleteUser(username);
}

export function listCategories(): Promise<Category[]> {
  return commands.listCategories();
}

export function createCategory(name: string, parentId: number | null): Promise<Category> {
  return commands.createCategory(name, parentId);
}

export function renameCategory(id: number, name: string): Promise<Category> {
  return commands.renameCategory(id, name);
}

export function moveCategory(id: number, parentId: number | null): Promise<Category> {
  return commands.moveCategory(id, parentId);
}

export function deleteCategory(id: number): Promise<void> {
  return commands.deleteCategory(id);
}

export function listTags(): Promise<Tag[]> {
  return commands.listTags();
}

export function renameTag(old: string, name: string): Promise<void> {
  return commands.renameTag(old, name);
}

export function deleteTag(name: string): Promise<number> {
  return commands.deleteTag(name);
}

export function getSetting(key: string): Promise<unknown> {
  return commands.getSetting(key);
}

export function setDefaultCurrency(code: string): Promise<void> {
  return commands.setDefaultCurrency(code);
}

// ---------------------------------------------------------------------------------------
// Maintenance

/** Checks the catalog (and, with `deep`, every original file) with progress. */
export function checkCatalog(
  options: { deep?: boolean },
  onProgress: (progress: Progress) => void,
): RunningJob<CheckReport> {
  return commands.checkCatalog(options.deep ?? false, onProgress);
}

// ---------------------------------------------------------------------------------------
// Images: thumbnails and originals come through the `thumb` and `original` URI schemes.

/**
 * Imports dropped or picked files/folders: `{kind: "product", id}` puts them all on that
 * product, `{kind: "by_sku"}` groups them by the SKU in each file name (creating draft
 * products for new SKUs). `paths` must come unchanged from `onFileDrop` or `pickImages`.
 * The report lists every file: `outcome` done / warning / skipped / refused with `message`.
 */
export function importImages(
  paths: string[],
  target: ImportTargetArg,
  onProgress: (progress: Progress) => void,
): RunningJob<JobReport> {
  return commands.importImages(paths, target, onProgress);
}

/** The native "Import images" picker; [] when the seller cancels. */
export function pickImages(): Promise<string[]> {
  return commands.pickImages();
}

/** A product's photos: shown ones by position (0 = primary), then removed ones (`deleted_at`). */
export function productImages(productId: number): Promise<ProductImage[]> {
  return commands.productImages(productId);
}

/** `imageIds`: the product's shown photos in their new order (first = primary). */
export function reorderImages(productId: number, imageIds: number[]): Promise<void> {
  return commands.reorderImages(productId, imageIds);
}

export function setImageAltText(imageId: number, text: string): Promise<void> {
  return commands.setImageAltText(imageId, text);
}

/** Rotates the photo 90° clockwise (its thumbnail is remade; the original file is never changed). */
export function rotateImage(imageId: number): Promise<void> {
  return commands.rotateImage(imageId);
}

/** Removes the photo from the product (restorable). */
export function trashImage(imageId: number): Promise<void> {
  return commands.trashImage(imageId);
}

export function restoreImage(imageId: number): Promise<void> {
  return commands.restoreImage(imageId);
}

/** First start only (refused unless the catalog is empty): ~24 products with photos. */
export function loadSampleCatalog(onProgress: (progress: Progress) => void): RunningJob<JobReport> {
  return commands.loadSampleCatalog(onProgress);
}

/** The URL of the thumbnail with content hash `sha256` (for <img src>). */
export function thumbnailUrl(sha256: string): string {
  return convertFileSrc(sha256, SCHEMES.thumb);
}

/** The URL of the original file with content hash `sha256` (for the viewer). */
export function originalUrl(sha256: string): string {
  return convertFileSrc(sha256, SCHEMES.original);
}

// ---------------------------------------------------------------------------------------
// Export, CSV import, backup. Files to write are chosen in a native save dialog opened by
// Rust; these resolve with null when the seller cancels that dialog.

/**
 * "Export…": asks where to save, then writes the products matching `query` (filters only),
 * or only `ids` when given. `photos` other than 'none' writes them to `<name>-images/` beside
 * the file ('shop_ready': HEIC/HEIF/AVIF as JPEG; 'originals': as they are).
 */
export function exportCatalog(
  format: ExportFormat,
  options: {
    photos?: ExportPhotos;
    query?: Partial<ProductQuery>;
    ids?: number[] | null;
  },
  onProgress: (progress: Progress) => void,
): RunningJob<ExportSummary | null> {
  return commands.exportCatalog(
    format,
    options.photos ?? 'none',
    { ...DEFAULT_QUERY, ...(options.query ?? {}) },
    options.ids ?? null,
    onProgress,
  );
}

/** "Import CSV…": the native picker; null when cancelled. */
export function pickCsv(): Promise<string | null> {
  return commands.pickCsv();
}

/** The first rows of a picked CSV file and the column → field mapping that will be used. */
export function previewCsv(path: string, format: CsvFormat): Promise<CsvPreview> {
  return commands.previewCsv(path, format);
}

/**
 * Imports a picked CSV file. All or nothing unless `skipBadRows`; `dryRun` only reports.
 * The report lists each problem row (`issues`: line, sku, message, field).
 */
export function importCsv(
  path: string,
  options: CsvImportArgs,
  onProgress: (progress: Progress) => void,
): RunningJob<CsvImportReport> {
  return commands.importCsv(path, options, onProgress);
}

/** "Back up now": asks where (the library's backups folder by default); a verified .zip. */
export function backupNow(
  onProgress: (progress: Progress) => void,
): RunningJob<BackupSummary | null> {
  return commands.backupNow(onProgress);
}

/**
 * "Restore from backup…": Rust asks for the archive and a native confirmation, restores it
 * (the current library is moved aside, never deleted) and restarts the app on it. Resolves
 * with the sentence to show, or null when the seller cancels. Writes are refused from the
 * moment it succeeds until the restart.
 */
export function restoreFromBackup(
  onProgress: (progress: Progress) => void,
): RunningJob<string | null> {
  return commands.restoreFromBackup(onProgress);
}

// ---------------------------------------------------------------------------------------
// Settings › Inbox folder and Automatic backups. Folders are picked in native dialogs that
// Rust opens; these resolve with null when the seller cancels.

/** The inbox and automatic-backup settings and the latest reports, newest first. */
export function servicesStatus(): Promise<ServicesStatus> {
  return commands.servicesStatus();
}

/** Asks for a folder to watch, saves it and starts watching; null when cancelled. */
export function chooseInboxFolder(): Promise<string | null> {
  return commands.chooseInboxFolder();
}

export function stopInbox(): Promise<void> {
  return commands.stopInbox();
}

/** Asks where automatic backups go; pass the answer to `setAutoBackup`. */
export function chooseBackupFolder(): Promise<string | null> {
  return commands.chooseBackupFolder();
}

/** Saves the automatic-backup setting (null turns backups off); backs up right away. */
export function setAutoBackup(settings: AutoBackup | null): Promise<void> {
  return commands.setAutoBackup(settings);
}

// ---------------------------------------------------------------------------------------
// Events

/**
 * What the catalog changed (batched, within ~100 ms). An EMPTY list means "changed by
 * another program (the `shelf` command line...): refresh what you show".
 */
export function onCatalogChanged(handler: (changes: Change[]) => void): Promise<UnlistenFn> {
  return listen<Change[]>(EVENTS.catalogChanged, (event) => handler(event.payload));
}

/** What the inbox or an automatic backup just did (failures too: show them). */
export function onServiceReport(handler: (report: ServiceReport) => void): Promise<UnlistenFn> {
  return listen<ServiceReport>(EVENTS.serviceReport, (event) => handler(event.payload));
}

/** A native menu item was chosen. ("Open library folder" and "Quit" are handled natively.) */
export function onMenu(handler: (action: MenuAction) => void): Promise<UnlistenFn> {
  return listen<MenuAction>(EVENTS.menu, (event) => handler(event.payload));
}

export interface FileDrop {
  /** Absolute paths of the dropped files and folders. */
  paths: string[];
  /** Where they were dropped, in CSS pixels of the page (for `document.elementFromPoint`). */
  x: number;
  y: number;
}

interface TauriDragDrop {
  paths: string[];
  position: { x: number; y: number };
}

/**
 * Files or folders dropped on the window. Decide the target from the element under (x, y)
 * and pass `paths` unchanged to the import command: Rust accepts only paths that were
 * really dropped (or picked in a dialog).
 */
export function onFileDrop(handler: (drop: FileDrop) => void): Promise<UnlistenFn> {
  return listen<TauriDragDrop>('tauri://drag-drop', (event) => {
    const ratio = window.devicePixelRatio || 1;
    const { paths, position } = event.payload;
    handler({ paths, x: position.x / ratio, y: position.y / ratio });
  });
}

/**
 * Files being dragged over the window: called with the pointer position (CSS pixels) while
 * over it, and with null when the drag leaves or ends, to highlight the drop target.
 */
export async function onFileDragHover(
  handler: (at: { x: number; y: number } | null) => void,
): Promise<UnlistenFn> {
  const ratio = () => window.devicePixelRatio || 1;
  const at = (p: { x: number; y: number }) => ({ x: p.x / ratio(), y: p.y / ratio() });
  const unlisten = await Promise.all([
    listen<TauriDragDrop>('tauri://drag-enter', (e) => handler(at(e.payload.position))),
    listen<{ position: { x: number; y: number } }>('tauri://drag-over', (e) =>
      handler(at(e.payload.position)),
    ),
    listen('tauri://drag-leave', () => handler(null)),
    listen('tauri://drag-drop', () => handler(null)),
  ]);
  return () => unlisten.forEach((u) => u());
}

// ---------------------------------------------------------------------------------------
// Performance marks read by scripts/bench-app (see the note at the top).

export type PerfMark =
  | 'shelf:first-thumbnails'
  | 'shelf:search-input'
  | 'shelf:list-returned'
  | 'shelf:grid-updated';

export function perfMark(name: PerfMark): void {
  performance.mark(name);
}
