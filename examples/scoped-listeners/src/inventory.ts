/** A stock level change, as the warehouse feed publishes it. */
export interface StockChange {
  readonly sku: string;
  readonly quantity: number;
}

/** The events the shared inventory emitter carries. */
export interface InventoryEvents {
  change: [StockChange];
}

/** Prices a SKU; stands in for a slow call to a pricing service. */
export async function quote(sku: string): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  return 100 + (sku.length % 7);
}
