// Generated from the Rust side (see src-tauri/command_bindings.rs) by
// `UPDATE_BINDINGS=1 cargo test -p shelfkeeper bindings`. Do not edit by hand.

/** The events the app emits to the page. */
export const EVENTS = {
  catalogChanged: 'catalog-changed',
  menu: 'menu',
  serviceReport: 'service-report',
  teamStatus: 'team-status',
} as const;

/** The URI schemes the page loads photos from. */
export const SCHEMES = {
  thumb: 'thumb',
  original: 'original',
} as const;

/** Every kind of error a command can reject with. */
export const ERROR_KINDS = [
  'validation',
  'conflict',
  'not_found',
  'refused',
  'damaged',
  'io',
  'cancelled',
  'internal',
] as const;
