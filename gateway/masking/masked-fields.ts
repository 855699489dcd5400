import type { ValueHit } from './mask-value';
import type { MaskDirection, MaskedField } from './types';

/** Collects hits into the recording's list of masked fields: one entry per field and source. */
export class MaskedFieldList {
  private readonly byKey = new Map<string, { hit: ValueHit; count: number }>();

  constructor(private readonly where: MaskDirection) {}

  add(hits: readonly ValueHit[]): void {
    for (const h of hits) {
      const key = `${h.field}\n${h.source}\n${h.recordingOnly ? 1 : 0}`;
      const slot = this.byKey.get(key);
      if (slot) slot.count++;
      else this.byKey.set(key, { hit: h, count: 1 });
    }
  }

  get size(): number {
    return this.byKey.size;
  }

  list(): MaskedField[] {
    return [...this.byKey.values()].map(({ hit, count }) => ({
      where: this.where,
      field: hit.field,
      source: hit.source,
      count,
      ...(hit.recordingOnly ? { recordingOnly: true as const } : {}),
    }));
  }
}
