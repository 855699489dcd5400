/** The timeline's filters and search, as one value, and the test of one call against them. */
import { searchTextFor, type CallRecord, type Outcome } from './call-record';

export type StatusFilter = 'all' | '2xx' | '3xx' | '4xx' | '5xx' | 'none';

export interface FilterSpec {
  /** '' for every service. */
  readonly service: string;
  /** An IAM action (`s3:GetObject`); '' for every action. */
  readonly action: string;
  readonly outcome: Outcome | 'all';
  readonly status: StatusFilter;
  /** Free text; every word must occur (case-insensitive) in the call's searchable text. */
  readonly query: string;
}

export const NO_FILTER: FilterSpec = { service: '', action: '', outcome: 'all', status: 'all', query: '' };

export function isFiltering(spec: FilterSpec): boolean {
  return (
    spec.service !== '' ||
    spec.action !== '' ||
    spec.outcome !== 'all' ||
    spec.status !== 'all' ||
    spec.query.trim() !== ''
  );
}

export function filterKey(spec: FilterSpec): string {
  return JSON.stringify([
    spec.service,
    spec.action,
    spec.outcome,
    spec.status,
    spec.query.trim().toLowerCase(),
  ]);
}

function statusMatches(status: number | undefined, want: StatusFilter): boolean {
  if (want === 'all') return true;
  if (status === undefined) return want === 'none';
  return want === `${Math.floor(status / 100)}xx`;
}

/** Builds the predicate once per filter change; it runs once per call. */
export function compileFilter(spec: FilterSpec): (r: CallRecord) => boolean {
  const words = spec.query.toLowerCase().split(/\s+/).filter(Boolean);
  const { service, action, outcome, status } = spec;
  return (r) => {
    if (service !== '' && r.service !== service) return false;
    if (outcome !== 'all' && r.outcome !== outcome) return false;
    if (!statusMatches(r.status, status)) return false;
    if (action !== '' && !r.actions.some((a) => a.action === action)) return false;
    if (words.length === 0) return true;
    const text = searchTextFor(r);
    for (const w of words) if (!text.includes(w)) return false;
    return true;
  };
}
