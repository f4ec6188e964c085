/** Which screen is in the main area and which dialog (if any) is open over it. */

export type Screen = 'products' | 'categories' | 'users' | 'settings' | 'integrity';

/** The editor opens on an existing product, or blank for a new one. */
export type EditorTarget = { kind: 'new' } | { kind: 'existing'; id: number };

export type Dialog =
  | { kind: 'none' }
  | { kind: 'editor'; target: EditorTarget }
  | { kind: 'history'; id: number }
  | { kind: 'bulk'; ids: number[] }
  | { kind: 'export'; ids: number[] }
  | { kind: 'import-csv'; path?: string }
  | { kind: 'about' }
  | { kind: 'team' };

class Screens {
  screen = $state<Screen>('products');
  dialog = $state<Dialog>({ kind: 'none' });

  openEditor(target: EditorTarget): void {
    this.screen = 'products';
    this.dialog = { kind: 'editor', target };
  }

  close(): void {
    this.dialog = { kind: 'none' };
  }

  /** The product whose editor is open, for drops onto its images panel. */
  get editingId(): number | null {
    const d = this.dialog;
    return d.kind === 'editor' && d.target.kind === 'existing' ? d.target.id : null;
  }
}

export const screens = new Screens();
