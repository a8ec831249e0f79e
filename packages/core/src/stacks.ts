/**
 * Stack capture for leak reports (where a listener was added, where a lease was acquired,
 * where a scope was created). Capturing a stack costs microseconds, so it is off unless
 * `LEAKPROOF_CAPTURE_STACKS=1` is set or {@link setStackCapture} turns it on.
 */

let enabled = process.env.LEAKPROOF_CAPTURE_STACKS === '1' || process.env.LEAKPROOF_CAPTURE_STACKS === 'true';

/** Turns stack capture on or off process-wide. */
export function setStackCapture(on: boolean): void {
  enabled = on;
}

/** Whether stack capture is on. */
export function isStackCaptureEnabled(): boolean {
  return enabled;
}

/**
 * The caller's stack as text without the leading `Error` line, or `undefined` when capture
 * is off (unless `force`). `skip` drops that many innermost frames besides this function.
 */
export function captureStack(skip = 0, force = false): string | undefined {
  if (!enabled && !force) return undefined;
  const holder: { stack?: string | undefined } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = skip + 12;
  Error.captureStackTrace(holder, captureStack);
  Error.stackTraceLimit = limit;
  const lines = (holder.stack ?? '').split('\n').slice(1 + skip);
  return lines.map((line) => line.trim()).join('\n');
}
