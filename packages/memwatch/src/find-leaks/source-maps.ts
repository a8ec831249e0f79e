import { findSourceMap, type SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

const maps = new Map<string, SourceMap | undefined>();

function mapOf(url: string): SourceMap | undefined {
  if (!maps.has(url)) {
    let map: SourceMap | undefined;
    try {
      map = findSourceMap(url) ?? (url.startsWith('file://') ? findSourceMap(fileURLToPath(url)) : undefined);
    } catch {
      map = undefined;
    }
    maps.set(url, map);
  }
  return maps.get(url);
}

/**
 * The original position of a 0-based position in a script, through the source map Node
 * knows for it (loaded with `--enable-source-maps`, or by a loader such as tsx that turns
 * source maps on); `undefined` when there is none.
 */
export function originalPosition(
  url: string,
  line: number,
  column: number,
): { url: string; line: number; column: number } | undefined {
  if (url === '' || line < 0) return undefined;
  const map = mapOf(url);
  if (map === undefined) return undefined;
  const entry = map.findEntry(line, Math.max(0, column)) as {
    originalSource?: string | undefined;
    originalLine?: number | undefined;
    originalColumn?: number | undefined;
  };
  if (entry.originalSource === undefined || entry.originalLine === undefined) return undefined;
  return { url: entry.originalSource, line: entry.originalLine, column: entry.originalColumn ?? 0 };
}
