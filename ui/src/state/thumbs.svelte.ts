/**
 * Thumbnails made again under the same hash (a rotation) get a new version here, so every
 * <img> of that hash, the grid's cards included, fetches the new one: the page reuses an
 * image it already loaded for the same URL.
 */
class ThumbVersions {
  #versions = $state<Record<string, number>>({});

  of(sha: string): number | undefined {
    return this.#versions[sha];
  }

  bump(sha: string): void {
    this.#versions[sha] = (this.#versions[sha] ?? 0) + 1;
  }
}

export const thumbs = new ThumbVersions();
