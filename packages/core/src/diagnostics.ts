import diagnostics_channel, { type Channel } from 'node:diagnostics_channel';
import { invalidArgType, invalidArgValue } from './validate.js';

const SEGMENT = /^[a-z][a-z0-9-]*$/;

/** The channel name for an event of a package: `leakproof:<package>:<event>`. */
export function channelName(pkg: string, event: string): string {
  if (typeof pkg !== 'string') throw invalidArgType('package', 'a string', pkg);
  if (typeof event !== 'string') throw invalidArgType('event', 'a string', event);
  if (!SEGMENT.test(pkg)) throw invalidArgValue('package', 'lower-case kebab-case', pkg);
  if (!SEGMENT.test(event)) throw invalidArgValue('event', 'lower-case kebab-case', event);
  return `leakproof:${pkg}:${event}`;
}

/**
 * The `node:diagnostics_channel` channel for an event of a package. Publish through
 * {@link publish} (or guard with `channel.hasSubscribers`) so that building the message
 * costs nothing when nobody listens.
 *
 * @example
 * ```ts
 * const evicted = diagnosticsChannel('cache', 'evict');
 * publish(evicted, () => ({ name, key, reason }));
 * ```
 */
export function diagnosticsChannel(pkg: string, event: string): Channel {
  return diagnostics_channel.channel(channelName(pkg, event));
}

/** Publishes `message()` on `channel` only when it has subscribers. */
export function publish(channel: Channel, message: () => unknown): void {
  if (!(channel instanceof diagnostics_channel.Channel))
    throw invalidArgType('channel', 'a diagnostics channel', channel);
  if (channel.hasSubscribers) channel.publish(message());
}
