import type { BoundedMap } from '@leakproof/cache';
import {
  type CacheTier,
  MemoryCache,
  type RedisCache,
  type Serializer,
  type TieredCache,
} from '@leakproof/redis';
import { describe, expectTypeOf, it } from 'vitest';

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
