import { writeHeapSnapshot } from 'node:v8';
import { invalidArgType } from '@leakproof/core';

/** `true` (Node's default file name in the working directory), a file path, or `false`. */
export type HeapSnapshotOption = boolean | string;

/** @internal Validates a heap-snapshot option. */
export function validateSnapshotOption(value: unknown): HeapSnapshotOption {
  if (value === undefined) return false;
  if (typeof value === 'boolean' || (typeof value === 'string' && value.length > 0)) return value;
  throw invalidArgType('heapSnapshot', 'a boolean or a file path', value);
}

/** @internal Writes the snapshot the option asks for; returns its path, or undefined for `false`. */
export function takeSnapshot(option: HeapSnapshotOption): string | undefined {
  if (option === false) return undefined;
  return writeHeapSnapshot(option === true ? undefined : option);
}
