// Generated from the Rust side (see src-tauri/command_bindings.rs) by
// `UPDATE_BINDINGS=1 cargo test -p shelfkeeper bindings`. Do not edit by hand.

import { call, startJob, type RunningJob } from './ipc';
import type { AutoBackup } from './bindings/AutoBackup';
import type { BackupSummary } from './bindings/BackupSummary';
import type { BulkEdit } from './bindings/BulkEdit';
import type { Category } from './bindings/Category';
import type { CheckReport } from './bindings/CheckReport';
import type { CsvFormat } from './bindings/CsvFormat';
import type { CsvImportArgs } from './bindings/CsvImportArgs';
import type { CsvImportReport } from './bindings/CsvImportReport';
import type { CsvPreview } from './bindings/CsvPreview';
import type { Currency } from './bindings/Currency';
import type { ExportFormat } from './bindings/ExportFormat';
import type { ExportPhotos } from './bindings/ExportPhotos';
import type { ExportSummary } from './bindings/ExportSummary';
import type { HistoryEntry } from './bindings/HistoryEntry';
import type { ImportTargetArg } from './bindings/ImportTargetArg';
import type { JobReport } from './bindings/JobReport';
import type { LibraryInfo } from './bindings/LibraryInfo';
import type { OptionValues } from './bindings/OptionValues';
import type { Page } from './bindings/Page';
import type { Product } from './bindings/Product';
import type { ProductFields } from './bindings/ProductFields';
import type { ProductImage } from './bindings/ProductImage';
import type { ProductQuery } from './bindings/ProductQuery';
import type { Progress } from './bindings/Progress';
import type { Role } from './bindings/Role';
import type { SearchHit } from './bindings/SearchHit';
import type { ServicesStatus } from './bindings/ServicesStatus';
import type { Tag } from './bindings/Tag';
import type { TeamStatus } from './bindings/TeamStatus';
import type { User } from './bindings/User';
import type { Variant } from './bindings/Variant';
import type { VariantBulkEdit } from './bindings/VariantBulkEdit';
import type { VariantFields } from './bindings/VariantFields';

/** One function per command, with the Rust side's argument names and types. */
export const commands = {
  listCategories(): Promise<Category[]> {
    return call('list_categories');
  },
  createCategory(name: string, parentId: number | null): Promise<Category> {
    return call('create_category', { name, parentId });
  },
  renameCategory(id: number, name: string): Promise<Category> {
    return call('rename_category', { id, name });
  },
  moveCategory(id: number, parentId: number | null): Promise<Category> {
    return call('move_category', { id, parentId });
  },
  deleteCategory(id: number): Promise<void> {
    return call('delete_category', { id });
  },
  /**
   * Imports dropped or picked files and folders onto one product or by the SKU in each file
   * name, into the catalog the window shows. Paths nobody dropped or picked are refused
   * before anything is read.
   */
  importImages(paths: string[], target: ImportTargetArg, onProgress: (progress: Progress) => void): RunningJob<JobReport> {
    return startJob('import_images', { paths, target }, onProgress, (jobId) => commands.cancelJob(jobId));
  },
  /**
   * Opens the native "Import images" picker; what the seller picks becomes importable.
   */
  pickImages(): Promise<string[]> {
    return call('pick_images');
  },
  productImages(productId: number): Promise<ProductImage[]> {
    return call('product_images', { productId });
  },
  reorderImages(productId: number, imageIds: number[]): Promise<void> {
    return call('reorder_images', { productId, imageIds });
  },
  setImageAltText(imageId: number, text: string): Promise<void> {
    return call('set_image_alt_text', { imageId, text });
  },
  rotateImage(imageId: number): Promise<void> {
    return call('rotate_image', { imageId });
  },
  trashImage(imageId: number): Promise<void> {
    return call('trash_image', { imageId });
  },
  restoreImage(imageId: number): Promise<void> {
    return call('restore_image', { imageId });
  },
  /**
   * First start: a small catalog with generated photos to look around in.
   */
  loadSampleCatalog(onProgress: (progress: Progress) => void): RunningJob<JobReport> {
    return startJob('load_sample_catalog', {}, onProgress, (jobId) => commands.cancelJob(jobId));
  },
  /**
   * Asks job `job_id` to stop at its next item; `false` when it has already finished.
   */
  cancelJob(jobId: string): Promise<boolean> {
    return call('cancel_job', { jobId });
  },
  libraryInfo(): Promise<LibraryInfo> {
    return call('library_info');
  },
  /**
   * Shows the library folder in the file manager (the only folder this can open).
   */
  openLibraryFolder(): Promise<void> {
    return call('open_library_folder');
  },
  /**
   * The catalog file's checks, then the image library's (`deep` re-hashes every original),
   * through a read-only connection: the seller's edits save while it runs. The library's
   * only so far (refused while the window shows a team catalog).
   */
  checkCatalog(deep: boolean, onProgress: (progress: Progress) => void): RunningJob<CheckReport> {
    return startJob('check_catalog', { deep }, onProgress, (jobId) => commands.cancelJob(jobId));
  },
  parsePrice(text: string, currency: string): Promise<number> {
    return call('parse_price', { text, currency });
  },
  formatPrice(minor: number, currency: string): Promise<string> {
    return call('format_price', { minor, currency });
  },
  listCurrencies(): Promise<Currency[]> {
    return call('list_currencies');
  },
  listProducts(query: ProductQuery): Promise<Page> {
    return call('list_products', { query });
  },
  searchProducts(text: string, limit: number): Promise<SearchHit[]> {
    return call('search_products', { text, limit });
  },
  getProduct(id: number): Promise<Product> {
    return call('get_product', { id });
  },
  createProduct(fields: ProductFields): Promise<Product> {
    return call('create_product', { fields });
  },
  updateProduct(id: number, expectedVersion: number, fields: ProductFields): Promise<Product> {
    return call('update_product', { id, expectedVersion, fields });
  },
  bulkEdit(ids: number[], edit: BulkEdit): Promise<number> {
    return call('bulk_edit', { ids, edit });
  },
  productHistory(id: number): Promise<HistoryEntry[]> {
    return call('product_history', { id });
  },
  restoreVersion(id: number, auditId: number, expectedVersion: number): Promise<Product> {
    return call('restore_version', { id, auditId, expectedVersion });
  },
  undoLastChange(): Promise<Product | null> {
    return call('undo_last_change');
  },
  servicesStatus(): Promise<ServicesStatus> {
    return call('services_status');
  },
  /**
   * Asks for the inbox folder, saves it and starts watching it. `None` when cancelled.
   */
  chooseInboxFolder(): Promise<string | null> {
    return call('choose_inbox_folder');
  },
  stopInbox(): Promise<void> {
    return call('stop_inbox');
  },
  /**
   * Asks for the automatic-backup folder; the answer may then be passed to `set_auto_backup`.
   */
  chooseBackupFolder(): Promise<string | null> {
    return call('choose_backup_folder');
  },
  /**
   * Saves the automatic-backup setting (or turns backups off with `None`) and restarts the
   * scheduler. The folder must be the one already saved or one the seller just picked.
   */
  setAutoBackup(settings: AutoBackup | null): Promise<void> {
    return call('set_auto_backup', { settings });
  },
  getSetting(key: string): Promise<unknown | null> {
    return call('get_setting', { key });
  },
  /**
   * Makes `code` the currency new products get, in the catalog the window shows (a team
   * server's is its owners' to change).
   */
  setDefaultCurrency(code: string): Promise<void> {
    return call('set_default_currency', { code });
  },
  listTags(): Promise<Tag[]> {
    return call('list_tags');
  },
  renameTag(old: string, new_: string): Promise<void> {
    return call('rename_tag', { old, new: new_ });
  },
  deleteTag(name: string): Promise<number> {
    return call('delete_tag', { name });
  },
  /**
   * Connects to the team server at `address` (`postgresql://you@host:5432/shop`) and shows
   * its catalog; `password` is kept in the system keyring once the server accepts it
   * (`None`: the one kept there, or none for a server that asks for none).
   */
  connectTeamServer(address: string, password: string | null): Promise<TeamStatus> {
    return call('connect_team_server', { address, password });
  },
  /**
   * Shows this computer's own library again.
   */
  disconnectTeamServer(): Promise<TeamStatus> {
    return call('disconnect_team_server');
  },
  teamStatus(): Promise<TeamStatus> {
    return call('team_status');
  },
  /**
   * Asks where to save, then exports the products matching `query` (or only `ids`), with
   * the photos in a folder beside the file as `photos` says. `None` when the seller cancels.
   */
  exportCatalog(format: ExportFormat, photos: ExportPhotos, query: ProductQuery, ids: number[] | null, onProgress: (progress: Progress) => void): RunningJob<ExportSummary | null> {
    return startJob('export_catalog', { format, photos, query, ids }, onProgress, (jobId) => commands.cancelJob(jobId));
  },
  /**
   * "Import CSV…": the native picker; `None` when cancelled.
   */
  pickCsv(): Promise<string | null> {
    return call('pick_csv');
  },
  /**
   * The first rows of a picked CSV file and how its columns map to product fields (read as
   * `format`; a mapping the seller chose for the same header row before is used again).
   */
  previewCsv(path: string, format: CsvFormat): Promise<CsvPreview> {
    return call('preview_csv', { path, format });
  },
  /**
   * Imports a picked CSV file into the catalog the window shows: all or nothing unless
   * `skip_bad_rows`; `dry_run` only reports. Skipping bad rows, it takes a library's writer
   * one batch at a time, so edits save meanwhile (a team server's rows stay open to others).
   */
  importCsv(path: string, options: CsvImportArgs, onProgress: (progress: Progress) => void): RunningJob<CsvImportReport> {
    return startJob('import_csv', { path, options }, onProgress, (jobId) => commands.cancelJob(jobId));
  },
  /**
   * "Back up now": asks where (the library's backups folder by default), writes a verified
   * backup of the catalog the window shows there. `None` when the seller cancels.
   */
  backupNow(onProgress: (progress: Progress) => void): RunningJob<BackupSummary | null> {
    return startJob('backup_now', {}, onProgress, (jobId) => commands.cancelJob(jobId));
  },
  /**
   * "Restore from backup…" (into this computer's library, so not while the window shows a
   * team catalog): the seller picks an archive, sees what it holds and confirms; it is
   * checked entry by entry in a staging folder and only then swapped in, the current library
   * moved aside (never deleted). The app's connections still point at the library that was
   * moved aside, so from that moment every write is refused, and the app restarts on the
   * restored library. Returns what to tell the seller; `None` when they cancel.
   */
  restoreFromBackup(onProgress: (progress: Progress) => void): RunningJob<string | null> {
    return startJob('restore_from_backup', {}, onProgress, (jobId) => commands.cancelJob(jobId));
  },
  trashProducts(ids: number[]): Promise<number> {
    return call('trash_products', { ids });
  },
  restoreProducts(ids: number[]): Promise<number> {
    return call('restore_products', { ids });
  },
  /**
   * Deletes products in the trash for good once the seller confirms; `None` when they don't.
   */
  purgeProducts(ids: number[]): Promise<number | null> {
    return call('purge_products', { ids });
  },
  /**
   * Empties what has been in the trash longer than `older_than_days`, once the seller
   * confirms; `None` when they don't.
   */
  emptyTrash(olderThanDays: number): Promise<number | null> {
    return call('empty_trash', { olderThanDays });
  },
  listUsers(): Promise<User[]> {
    return call('list_users');
  },
  createUser(username: string, displayName: string, email: string | null, role: Role, password: string | null): Promise<User> {
    return call('create_user', { username, displayName, email, role, password });
  },
  switchUser(username: string): Promise<User> {
    return call('switch_user', { username });
  },
  setUserActive(username: string, active: boolean): Promise<User> {
    return call('set_user_active', { username, active });
  },
  deleteUser(username: string): Promise<void> {
    return call('delete_user', { username });
  },
  setOptions(productId: number, names: string[]): Promise<Product> {
    return call('set_options', { productId, names });
  },
  generateVariants(productId: number, options: OptionValues[], priceMinor: number, stock: number): Promise<Product> {
    return call('generate_variants', { productId, options, priceMinor, stock });
  },
  createVariant(productId: number, fields: VariantFields): Promise<Variant> {
    return call('create_variant', { productId, fields });
  },
  updateVariant(id: number, expectedVersion: number, fields: VariantFields): Promise<Variant> {
    return call('update_variant', { id, expectedVersion, fields });
  },
  trashVariants(ids: number[]): Promise<number> {
    return call('trash_variants', { ids });
  },
  restoreVariants(ids: number[]): Promise<number> {
    return call('restore_variants', { ids });
  },
  bulkEditVariants(ids: number[], edit: VariantBulkEdit): Promise<number> {
    return call('bulk_edit_variants', { ids, edit });
  },
};
