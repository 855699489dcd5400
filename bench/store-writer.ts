// How the store bench writes journals: as the gateway does, summaries kept as events are journaled.
import { Journal } from '../gateway/journal/journal';
import { SummaryKeeper } from '../gateway/recording/summary-keeper';
import type { StoreWriter } from './store-data';

export async function openStoreWriter(
  dataDir: string,
  opts: { summaries?: boolean } = {},
): Promise<StoreWriter> {
  const keeper = opts.summaries === false ? undefined : new SummaryKeeper(dataDir);
  const journal = await Journal.create(dataDir, undefined, undefined, undefined, keeper?.observe);
  return {
    journal,
    close: async () => {
      await journal.close();
      await keeper?.close();
    },
  };
}
