/**
 * Changes to the categories or tags, as both management panels make them: on success the
 * seller hears what was done and every picker reloads the taxonomy; on refusal the panel
 * shows the core's sentence (`error`) and puts back what the catalog still holds.
 */
import { toCommandError } from '../lib/api';
import { announcer } from './announcer.svelte';
import { session } from './session.svelte';

export class TaxonomyChanges {
  /** The last refusal, until the next change goes through. */
  error = $state<string | null>(null);

  /**
   * Runs `action`, announcing `done`. `undo` puts back what the seller typed or picked when
   * the change is refused, so the field shows the name the catalog kept.
   */
  async run(action: () => Promise<unknown>, done: string, undo?: () => void): Promise<void> {
    try {
      await action();
    } catch (err) {
      undo?.();
      this.error = toCommandError(err).message;
      return;
    }
    this.error = null;
    announcer.say(done);
    await session.refreshTaxonomy();
  }
}
