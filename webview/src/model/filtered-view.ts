/**
 * The indices of the calls that pass the filters, kept in step with a growing call list: new calls
 * are tested as they arrive; only a filter change, or an update that moves a call in or out,
 * costs a full pass.
 */
import type { CallRecord } from './call-record';
import { compileFilter, filterKey, type FilterSpec } from './filters';

export class FilteredView {
  /** Indices into the call list, ascending. */
  indices: number[] = [];
  #key = '';
  #test: (r: CallRecord) => boolean = () => true;
  #member = new Uint8Array(0);
  #scanned = 0;

  /** Brings the view up to date; returns true when `indices` changed. */
  refresh(calls: readonly CallRecord[], spec: FilterSpec, updated: readonly number[] = []): boolean {
    const key = filterKey(spec);
    if (key !== this.#key) {
      this.#key = key;
      this.#test = compileFilter(spec);
      return this.#rebuild(calls);
    }
    for (const i of updated) {
      const r = calls[i];
      if (i < this.#scanned && r && this.#test(r) !== (this.#member[i] === 1)) return this.#rebuild(calls);
    }
    return this.#scan(calls) || updated.length > 0;
  }

  /** Position of call `idx` in the view, or -1. */
  positionOf(idx: number): number {
    let lo = 0;
    let hi = this.indices.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.indices[mid]!;
      if (v === idx) return mid;
      if (v < idx) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  #rebuild(calls: readonly CallRecord[]): boolean {
    this.indices = [];
    this.#member = new Uint8Array(Math.max(1024, calls.length * 2));
    this.#scanned = 0;
    this.#scan(calls);
    return true;
  }

  #scan(calls: readonly CallRecord[]): boolean {
    if (this.#scanned >= calls.length) return false;
    if (this.#member.length < calls.length) {
      const grown = new Uint8Array(calls.length * 2);
      grown.set(this.#member);
      this.#member = grown;
    }
    const before = this.indices.length;
    for (let i = this.#scanned; i < calls.length; i++) {
      if (this.#test(calls[i]!)) {
        this.indices.push(i);
        this.#member[i] = 1;
      }
    }
    this.#scanned = calls.length;
    return this.indices.length !== before;
  }
}
