import { LeakproofError, TimeoutError } from '@leakproof/core';

// The runtime errors the pool raises, built in one place so codes and wording stay consistent.

/** `ERR_POOL_CLOSED`: the pool was closed (or closed while the call waited). */
export function poolClosedError(name: string): LeakproofError {
  return new LeakproofError('ERR_POOL_CLOSED', `Pool "${name}" is closed and cannot lend resources`);
}

/** `ERR_POOL_BUSY`: the wait queue is full. */
export function poolBusyError(name: string, waiting: number): LeakproofError {
  return new LeakproofError(
    'ERR_POOL_BUSY',
    `Pool "${name}" already has ${waiting} acquires waiting, the most \`maxWaiting\` allows`,
  );
}

/** `ERR_POOL_TIMEOUT`: an acquire waited longer than its timeout; `cause` is the last create error, if any. */
export function acquireTimeoutError(name: string, ms: number, cause: unknown): TimeoutError {
  return new TimeoutError(
    `Acquiring a resource from pool "${name}" timed out after ${ms} ms${cause === undefined ? '' : ' (creating resources is failing; see `cause`)'}`,
    ms,
    'ERR_POOL_TIMEOUT',
    cause === undefined ? undefined : { cause },
  );
}

/** `ERR_POOL_CREATE_TIMEOUT`, `ERR_POOL_DESTROY_TIMEOUT`: a factory call hung. */
export function factoryTimeoutError(name: string, step: 'create' | 'destroy', ms: number): TimeoutError {
  return new TimeoutError(
    `factory.${step}() of pool "${name}" did not settle within ${ms} ms`,
    ms,
    `ERR_POOL_${step.toUpperCase()}_TIMEOUT`,
  );
}

/** `ERR_LEASE_RELEASED`: a lease's resource was read after the lease ended. */
export function leaseReleasedError(): LeakproofError {
  return new LeakproofError(
    'ERR_LEASE_RELEASED',
    'This lease has ended (released, destroyed, or its pool closed); its resource is no longer yours',
  );
}
