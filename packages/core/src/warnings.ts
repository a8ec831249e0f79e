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

const warnedOptions = new Set<string>();

/**
 * Warns once per process that `owner`'s option `oldName` is deprecated in favour of `newName`
 * (a `DeprecationWarning` with code `LEAKPROOF_DEP_OPTION`). Old names keep working for one
 * minor version.
 */
export function warnDeprecatedOption(owner: string, oldName: string, newName: string): void {
  const key = `${owner}\0${oldName}`;
  if (warnedOptions.has(key)) return;
  warnedOptions.add(key);
  process.emitWarning(`${owner}: \`options.${oldName}\` is deprecated; use \`options.${newName}\``, {
    type: 'DeprecationWarning',
    code: 'LEAKPROOF_DEP_OPTION',
  });
}
