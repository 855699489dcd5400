import { readFile } from 'node:fs/promises';

/** The workspace policy's place, relative to the workspace folder (DESIGN.md section 4). */
export const POLICY_RELATIVE_PATH = '.airlock/policy.json';

export interface ScopeTemplate {
  readonly name: string;
  /** An IAM policy document. */
  readonly document: unknown;
}

export type PolicyRead =
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid'; readonly message: string }
  | {
      readonly kind: 'ok';
      readonly templates: readonly ScopeTemplate[];
      readonly approvalTimeoutSeconds?: number;
    };

/** Reads what the extension itself needs from the policy file: the task scope templates. */
export async function readPolicy(path: string): Promise<PolicyRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'invalid', message: (e as Error).message };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { kind: 'invalid', message: `not valid JSON: ${(e as Error).message}` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { kind: 'invalid', message: 'the policy must be a JSON object' };
  const p = json as { scopeTemplates?: unknown; approvalTimeoutSeconds?: unknown };
  const templates: ScopeTemplate[] = [];
  if (p.scopeTemplates !== undefined) {
    if (typeof p.scopeTemplates !== 'object' || p.scopeTemplates === null || Array.isArray(p.scopeTemplates))
      return { kind: 'invalid', message: 'scopeTemplates must map template names to IAM policy documents' };
    for (const [name, document] of Object.entries(p.scopeTemplates)) templates.push({ name, document });
  }
  return {
    kind: 'ok',
    templates,
    approvalTimeoutSeconds:
      typeof p.approvalTimeoutSeconds === 'number' ? p.approvalTimeoutSeconds : undefined,
  };
}
