import type { ProductSummary } from '../../lib/api';

/** What the grid and the table both take: they are two views of the same loaded rows. */
export interface BrowserViewProps {
  items: ProductSummary[];
  loadingMore: boolean;
  /** Bumped on every fresh load: back to the top. */
  resetKey: number;
  onnearend: () => void;
  onopen: (id: number) => void;
  /** Set in the trash: each row gets a Restore button. */
  restore?: (id: number) => void;
}
