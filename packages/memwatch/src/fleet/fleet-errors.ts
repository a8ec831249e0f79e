import { LeakproofError, TimeoutError } from '@leakproof/core';

/** @internal Messages of the fleet watcher's scrape failures, by code. */
const MESSAGES = {
  ERR_FLEET_TIMEOUT: (p: { timeoutMs: number }) => `No complete answer within ${p.timeoutMs} ms`,
  ERR_FLEET_UNREACHABLE: (p: { reason: string }) => `The request failed: ${p.reason}`,
  ERR_FLEET_HTTP_STATUS: (p: { status: number }) =>
    `Answered HTTP ${p.status}, expected 200 (redirects are not followed)`,
  ERR_FLEET_BODY_TOO_LARGE: (p: { maxBodyBytes: number }) =>
    `The body exceeded ${p.maxBodyBytes} bytes (options.maxBodyBytes)`,
  ERR_FLEET_BAD_STATUS: (p: { field: string }) =>
    `The body is not a memoryStatus() document: \`${p.field}\` is missing or not a number`,
} as const;

type Code = keyof typeof MESSAGES;

/** @internal Builds a scrape failure. */
export function fleetError<C extends Code>(
  code: C,
  params: Parameters<(typeof MESSAGES)[C]>[0],
): LeakproofError {
  const message = (MESSAGES[code] as (p: typeof params) => string)(params);
  if (code === 'ERR_FLEET_TIMEOUT') {
    return new TimeoutError(message, (params as { timeoutMs: number }).timeoutMs, code);
  }
  return new LeakproofError(code, message);
}
