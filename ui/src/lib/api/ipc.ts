/**
 * How a command is called: `invoke` with every rejection turned into a `CommandError`, and
 * long work started as a `RunningJob` whose id is chosen here before the command starts, so
 * `cancel()` works at once. The generated `./commands` calls these; nothing else should.
 */
import { Channel, invoke } from '@tauri-apps/api/core';
import type { ErrorReport } from './bindings/ErrorReport';
import type { Progress } from './bindings/Progress';
import { ERROR_KINDS } from './names';

/** What every command rejects with. */
export type CommandError = ErrorReport;

/** True when `value` is a `CommandError` (what a command rejected with). */
export function isCommandError(value: unknown): value is CommandError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.message === 'string' &&
    typeof v.kind === 'string' &&
    (ERROR_KINDS as readonly string[]).includes(v.kind)
  );
}

/** Turns anything a command threw into a `CommandError` (unexpected ones become `internal`). */
export function toCommandError(value: unknown): CommandError {
  if (isCommandError(value)) {
    // Rust leaves out `field` and `details` when they are empty.
    return { ...value, field: value.field ?? null, details: value.details ?? null };
  }
  return { kind: 'internal', message: String(value), field: null, details: null };
}

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err) {
    throw toCommandError(err);
  }
}

export interface RunningJob<T> {
  jobId: string;
  /** Resolves with the job's report when it ends. */
  done: Promise<T>;
  /** Asks the job to stop after the current item. False when it had already finished. */
  cancel(): Promise<boolean>;
}

export function startJob<T>(
  command: string,
  args: Record<string, unknown>,
  onProgress: (progress: Progress) => void,
  cancel: (jobId: string) => Promise<boolean>,
): RunningJob<T> {
  const jobId = crypto.randomUUID();
  const channel = new Channel<Progress>();
  channel.onmessage = onProgress;
  return {
    jobId,
    done: call<T>(command, { ...args, jobId, onProgress: channel }),
    cancel: () => cancel(jobId),
  };
}
