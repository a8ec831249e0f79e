import { defineErrors } from './define.js';

/**
 * The codes of @leakproof/memwatch's Prometheus metrics and fleet watcher. A failed scrape is not
 * thrown: the fleet watcher records it as the service's `lastError` (`{ code, message }`).
 */
export const memwatchFleetErrors = defineErrors({
  ERR_FLEET_TIMEOUT: {
    kind: 'TimeoutError',
    summary: 'a scrape got no complete answer within `timeoutMs`',
    message: (p: { timeoutMs: number }) => `No complete answer within ${p.timeoutMs} ms`,
  },
  ERR_FLEET_UNREACHABLE: {
    kind: 'LeakproofError',
    summary: 'a scrape failed to connect, or the connection broke',
    message: (p: { reason: string }) => `The request failed: ${p.reason}`,
  },
  ERR_FLEET_HTTP_STATUS: {
    kind: 'LeakproofError',
    summary: 'a service answered a status other than 200 (redirects are not followed)',
    message: (p: { status: number }) =>
      `Answered HTTP ${p.status}, expected 200 (redirects are not followed)`,
  },
  ERR_FLEET_BODY_TOO_LARGE: {
    kind: 'LeakproofError',
    summary: 'a status body exceeded `maxBodyBytes`',
    message: (p: { maxBodyBytes: number }) =>
      `The body exceeded ${p.maxBodyBytes} bytes (options.maxBodyBytes)`,
  },
  ERR_FLEET_BAD_STATUS: {
    kind: 'LeakproofError',
    summary: 'a body is not JSON, or not a memoryStatus() document',
    message: (p: { field: string }) =>
      p.field === 'body'
        ? 'The body is not a memoryStatus() JSON document'
        : `The body is not a memoryStatus() document: \`${p.field}\` is missing or not a number`,
  },
});
