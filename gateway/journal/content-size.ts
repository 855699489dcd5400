import { open } from 'node:fs/promises';
import { FILL_AHEAD_MAX_BYTES, isFillByte } from './fill-ahead';

/**
 * A journal file's size without the space filled ahead of its lines (fill-ahead.ts): what was
 * written to it, as a size that grows with every append the way a plain file's does. For a journal
 * being written the file's own size moves only with each stretch filled ahead, so whoever tells an
 * append from a rewrite by the size (the call index) asks this. A closed journal has no such space
 * and costs one small read; an open one, at most one stretch. 0 when the file is missing.
 */
export async function journalContentSize(path: string): Promise<number> {
  const fh = await open(path, 'r').catch(() => undefined);
  if (!fh) return 0;
  try {
    const { size } = await fh.stat();
    let end = size;
    for (
      let block = 4096;
      end > 0 && size - end <= FILL_AHEAD_MAX_BYTES;
      block = Math.min(block * 4, 256 * 1024)
    ) {
      const from = Math.max(0, end - block);
      const buf = Buffer.alloc(end - from + 1);
      const { bytesRead } = await fh.read(buf, 0, buf.length, from);
      if (bytesRead < end - from) return size;
      for (let i = end - from - 1; i >= 0; i--)
        // The last line's own newline belongs to the content.
        if (!isFillByte(buf[i])) return from + i + 1 + (buf[i + 1] === 0x0a ? 1 : 0);
      end = from;
    }
    return end;
  } finally {
    await fh.close();
  }
}
