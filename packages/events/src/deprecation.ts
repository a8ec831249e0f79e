const warned = new Set<string>();

/**
 * Warns once per process that `owner`'s option `oldName` is now `newName` (a
 * `DeprecationWarning`); the old name keeps working for one minor version.
 */
export function warnRenamedOption(owner: string, oldName: string, newName: string): void {
  const key = `${owner}:${oldName}`;
  if (warned.has(key)) return;
  warned.add(key);
  process.emitWarning(`${owner}()'s option \`${oldName}\` is deprecated: use \`${newName}\`.`, {
    type: 'DeprecationWarning',
    code: 'LEAKPROOF_DEP_OPTION',
  });
}
