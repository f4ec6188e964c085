/** Toasts for the sighted and a polite live region for screen readers, fed by the same call. */

export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'error';
}

class Announcer {
  toasts = $state<Toast[]>([]);
  /** The text of the aria-live region; replaced (not appended) so readers speak each once. */
  spoken = $state('');
  #next = 1;

  say(text: string, tone: Toast['tone'] = 'info', ms = 5000): void {
    const id = this.#next++;
    this.toasts = [...this.toasts, { id, text, tone }];
    this.spoken = text;
    setTimeout(() => this.dismiss(id), ms);
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }
}

export const announcer = new Announcer();
