/** Counts `catalog-changed` batches so any view can reload when the catalog moves under it. */
class Changes {
  tick = $state(0);
  /** Entities named in the latest batch (`product`, `image`, `category`, ...). */
  entities = $state.raw<Set<string>>(new Set());

  bump(entities: Iterable<string>): void {
    this.entities = new Set(entities);
    this.tick++;
  }
}

export const changes = new Changes();
