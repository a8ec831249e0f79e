/**
 * Emits a process warning of type `LeakproofWarning` with a stable `code` (for example
 * `LEAKPROOF_SCOPE_LEAKED`, `LEAKPROOF_LEASE_LEAKED`). Tools and tests listen with
 * `process.on('warning', w => w.code === ...)`.
 */
export function emitLeakproofWarning(message: string, code: string, detail?: string): void {
  process.emitWarning(
    message,
    detail === undefined ? { type: 'LeakproofWarning', code } : { type: 'LeakproofWarning', code, detail },
  );
}
