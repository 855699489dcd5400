// How the store bench writes journals: as the gateway does (bench/store-data.ts drives it).
import { Journal } from '../gateway/journal/journal';
import type { StoreWriter } from './store-data';

export async function openStoreWriter(
  dataDir: string,
  _opts: { summaries?: boolean } = {},
): Promise<StoreWriter> {
  const journal = await Journal.create(dataDir);
  return { journal, close: () => journal.close() };
}
