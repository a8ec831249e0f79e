import { defineErrors } from './define.js';

/** The codes of @leakproof/memwatch (measurement, assertions, leak finding, the governor). */
export const memwatchErrors = defineErrors({
  ERR_LEAK_DETECTED: {
    kind: 'LeakproofError',
    summary: 'memory grows per operation (assertNoLeak), or an object is still reachable (expectCollected)',
    message: (p: { growth: string; sites: string } | { label: string; attempts: number }) =>
      'label' in p
        ? `Expected ${p.label} to be garbage-collected, but it was still reachable after ${p.attempts} full collections`
        : `Memory grew by ${p.growth}${p.sites}`,
  },
  ERR_PROFILER_BUSY: {
    kind: 'LeakproofError',
    summary: 'another heap profile (findLeaks or the profiling route) is running in this process',
    message: () =>
      'Another heap profile is running in this process (findLeaks or the profiling route): V8 has one sampling heap profiler per isolate',
  },
  ERR_GC_UNAVAILABLE: {
    kind: 'LeakproofError',
    summary: "V8's gc() could not be obtained, even by turning on --expose-gc at run time",
    message: () => "Could not obtain V8's gc(); start Node with --expose-gc",
  },
  ERR_UNSUPPORTED_RUNTIME: {
    kind: 'LeakproofError',
    summary: 'the runtime lacks what the call needs (countLive: v8.queryObjects)',
    message: (p: { what: string; needs: string }) =>
      `${p.what} needs ${p.needs}, which Node ${process.version} does not have`,
  },
});
