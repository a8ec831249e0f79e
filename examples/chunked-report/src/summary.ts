// The daily stock summary both versions build: the same arithmetic, fed differently.

/** A stock movement as the report reads it. */
export interface Movement {
  readonly id: number;
  readonly day: string;
  readonly sku: number;
  readonly qty: number;
}

/** One line of the report. */
export interface DailySummary {
  day: string;
  movements: number;
  unitsIn: number;
  unitsOut: number;
  /** Net stock value change at current prices, in cents. */
  valueCents: number;
}

/** Per-day totals; at most one entry per day, however many movements there are. */
export type Summary = Map<string, DailySummary>;

/** Adds movements valued at `priceOf(sku)` into `summary`. */
export function addMovements(
  summary: Summary,
  movements: readonly Movement[],
  priceOf: (sku: number) => number,
): Summary {
  for (const m of movements) {
    let line = summary.get(m.day);
    if (line === undefined) {
      line = { day: m.day, movements: 0, unitsIn: 0, unitsOut: 0, valueCents: 0 };
      summary.set(m.day, line);
    }
    line.movements++;
    if (m.qty > 0) line.unitsIn += m.qty;
    else line.unitsOut -= m.qty;
    line.valueCents += m.qty * priceOf(m.sku);
  }
  return summary;
}

/** Folds `part` into `into`. */
export function mergeSummary(into: Summary, part: Summary): Summary {
  for (const line of part.values()) {
    const existing = into.get(line.day);
    if (existing === undefined) into.set(line.day, { ...line });
    else {
      existing.movements += line.movements;
      existing.unitsIn += line.unitsIn;
      existing.unitsOut += line.unitsOut;
      existing.valueCents += line.valueCents;
    }
  }
  return into;
}

/** The report's lines, by day. */
export function reportLines(summary: Summary): DailySummary[] {
  return [...summary.values()].sort((a, b) => a.day.localeCompare(b.day));
}
