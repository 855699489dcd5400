import { ftruncateSync, writeSync } from 'node:fs';

/** The least and most a journal fills ahead of its writes at a time. */
export const FILL_AHEAD_MIN_BYTES = 64 * 1024;
export const FILL_AHEAD_MAX_BYTES = 1024 * 1024;

/** Bytes a journal fills ahead with (newlines), or what a crash can leave of that space (zeros). */
export const isFillByte = (b: number | undefined): boolean => b === 0x0a || b === 0;

/** Written as many times as a stretch needs: a small buffer keeps the fill out of RSS. */
const BLANK_BYTES = 64 * 1024;
let blank: Buffer | undefined;

/**
 * Space a journal has filled with blank lines past its last line. An fdatasync after an append
 * must also commit the file's new size (on ext4 a filesystem-journal commit: another device flush
 * and a hand-off to its commit thread), while one after overwriting blocks that are already
 * allocated and inside the file flushes the data alone: 150-170 µs against 190-240 µs per sync
 * on this project's 2-vCPU VMs (2026-12-08), which is why databases recycle pre-filled
 * write-ahead logs. So the journal writes its lines into space filled ahead of them, cut off when
 * it closes or is next opened. The fill is newlines, not zeros: a live journal stays its lines
 * followed by blank lines, which jq and line readers that skip blank lines take as they are.
 * Readers take the first blank line (or zero byte, what a crash can leave of unsynced space) as
 * the end of the content (scan-lines.ts `unwrittenFrom`). Each fill's own size change is synced
 * once, by the next commit.
 */
export class FillAhead {
  /** Where the filled space ends: the file's size, as far as this journal knows. */
  private end: number;
  /** A fill failed (a full disk): the journal appends as before rather than try on every commit. */
  private stopped = false;

  constructor(size: number) {
    this.end = size;
  }

  /**
   * Fills the next stretch when less than half a stretch is left past `written` (the end of the
   * content): the journal's size, at least FILL_AHEAD_MIN_BYTES and at most FILL_AHEAD_MAX_BYTES,
   * so a small task's file stays small. Synchronous, between commits, so no line can be written
   * into space being filled. A failed fill cuts the file back to `written`.
   */
  ahead(fd: number, written: number): void {
    if (this.stopped) return;
    const stretch = Math.min(FILL_AHEAD_MAX_BYTES, Math.max(FILL_AHEAD_MIN_BYTES, written));
    const from = Math.max(this.end, written);
    if (from - written >= stretch / 2) return;
    blank ??= Buffer.alloc(BLANK_BYTES, 0x0a);
    try {
      let done = 0;
      while (done < stretch)
        done += writeSync(fd, blank, 0, Math.min(blank.length, stretch - done), from + done);
      this.end = from + stretch;
    } catch {
      this.stopped = true;
      this.cut(fd, written);
    }
  }

  /** The file was cut back to `size` (a failed write rolled back). */
  truncated(size: number): void {
    this.end = size;
  }

  /** Cuts the file back to `size` if it holds filled space past it; never throws. */
  cut(fd: number, size: number): void {
    if (this.end <= size) return;
    try {
      ftruncateSync(fd, size);
      this.end = size;
    } catch {
      // The next open cuts it; readers take the fill as the end whatever is left.
    }
  }
}
