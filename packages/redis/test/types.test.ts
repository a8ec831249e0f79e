import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BoundedMap } from '@leakproof/cache';
import {
  type CacheTier,
  MemoryCache,
  type RedisCache,
  type Serializer,
  type TieredCache,
} from '@leakproof/redis';
import { describe, expect, expectTypeOf, it } from 'vitest';

interface Product {
  id: string;
  price: number;
}

describe('types', () => {
  it('tiers are typed by their value and satisfy CacheTier', () => {
    expectTypeOf<RedisCache<Product>['get']>().returns.toEqualTypeOf<Promise<Product | undefined>>();
    expectTypeOf<RedisCache<Product>['getMany']>().returns.toEqualTypeOf<
      Promise<Array<Product | undefined>>
    >();
    expectTypeOf<RedisCache<Product>>().toMatchTypeOf<CacheTier<Product>>();
    expectTypeOf<MemoryCache<Product>>().toMatchTypeOf<CacheTier<Product>>();
    expectTypeOf<RedisCache<Product>['set']>().parameter(1).toEqualTypeOf<Product>();
    expectTypeOf<Serializer<Date>['deserialize']>().returns.toEqualTypeOf<Date>();
  });

  it('TieredCache takes a BoundedMap or its options, and types its loader', () => {
    expectTypeOf<TieredCache<Product>['get']>().returns.toEqualTypeOf<Promise<Product | undefined>>();
    expectTypeOf<TieredCache<Product>['getLocal']>().returns.toEqualTypeOf<Product | undefined>();
    expectTypeOf<TieredCache<Product>['getOrLoad']>().returns.toEqualTypeOf<Promise<Product>>();
    expectTypeOf<TieredCache<Product>['getOrLoad']>()
      .parameter(1)
      .toEqualTypeOf<(key: string, context: { signal: AbortSignal }) => Product | PromiseLike<Product>>();
    expectTypeOf<BoundedMap<string, Product>>().toMatchTypeOf<
      ConstructorParameters<typeof TieredCache<Product>>[0]['l1']
    >();
    const missingTtl = () =>
      // @ts-expect-error: a ttl is required
      new MemoryCache<Product>({ max: 1 });
    expectTypeOf(missingTtl).toBeFunction();
  });
});

describe('published declarations', () => {
  it('compile in a TypeScript project without ioredis installed', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const dist = (pkg: string, file = 'index.d.ts') => join(root, 'packages', pkg, 'dist', file);
    if (!existsSync(dist('redis')))
      throw new Error('packages/redis/dist is missing: build first (npx -y pnpm@10 build)');
    for (const file of ['index.d.ts', 'index.d.cts']) {
      expect(readFileSync(dist('redis', file), 'utf8')).not.toMatch(/from ['"]ioredis|import\(['"]ioredis/);
    }
    // A user's project, outside the workspace (so nothing can find ioredis), using the types.
    const dir = mkdtempSync(join(tmpdir(), 'leakproof-redis-types-'));
    try {
      writeFileSync(
        join(dir, 'use.ts'),
        [
          "import { RedisCache, TieredCache, type RedisConnection } from '@leakproof/redis';",
          "const l2 = new RedisCache<{ id: number }>({ redis: 'redis://127.0.0.1:6379', namespace: 'n', ttl: 1000 });",
          'const tiered = new TieredCache({ l1: { max: 10 }, l2 });',
          'const client: RedisConnection = l2.client;',
          'export { client, tiered };',
        ].join('\n'),
      );
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2022',
            skipLibCheck: false,
            lib: ['es2022', 'esnext.disposable'],
            types: ['node'],
            typeRoots: [join(root, 'node_modules', '@types')],
            paths: {
              '@leakproof/redis': [dist('redis')],
              '@leakproof/core': [dist('core')],
              '@leakproof/cache': [dist('cache')],
            },
          },
          files: ['use.ts'],
        }),
      );
      const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      const result = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], {
        encoding: 'utf8',
      });
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
