// Runs the redis tests against another ioredis major: with IOREDIS_MAJOR=6, every load of
// ioredis 5 (the devDependency `ioredis`) — by `import` or `require`, from the tests, the
// package's source or a child process — loads the `ioredis6` alias instead.
//   IOREDIS_MAJOR=6 NODE_OPTIONS="--import ./packages/redis/test/setup/ioredis-major.mjs" vitest run --project redis
import { realpathSync } from 'node:fs';
import Module, { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const major = process.env.IOREDIS_MAJOR;
if (major !== undefined && major !== '5') {
  const require = createRequire(new URL('../../package.json', import.meta.url));
  const from = realpathSync(require.resolve('ioredis'));
  const to = realpathSync(require.resolve(`ioredis${major}`));
  // CommonJS (`require`, createRequire): whatever asked for it, ioredis 5's entry becomes the other's.
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (...args) {
    const resolved = resolveFilename.apply(this, args);
    return resolved === from ? to : resolved;
  };
  // ES modules (`import`): the same, through a resolve hook.
  const [fromUrl, toUrl] = [pathToFileURL(from).href, pathToFileURL(to).href];
  const hook = `export async function resolve(specifier, context, next) {
    const result = await next(specifier, context);
    return result.url === ${JSON.stringify(fromUrl)} ? { ...result, url: ${JSON.stringify(toUrl)} } : result;
  }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}
