import type { FileHandle } from 'node:fs/promises';

/**
 * Fills `buf` from the file at `position` until it is full or the file ends (a read may return
 * fewer bytes than asked); returns how many bytes it holds.
 */
export async function readRange(fh: FileHandle, buf: Uint8Array, position: number): Promise<number> {
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}
