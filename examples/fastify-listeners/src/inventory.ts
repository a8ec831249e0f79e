import { EventEmitter } from '@leakproof/events';

/** A stock level change, as the warehouse feed publishes it. */
export interface StockChange {
  readonly sku: string;
  readonly quantity: number;
}

/** The shared, process-wide inventory feed every request may watch. */
export function createInventory(): EventEmitter<{ change: [StockChange] }> {
  return new EventEmitter<{ change: [StockChange] }>({ name: 'inventory' });
}
