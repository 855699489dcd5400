import type { Router } from 'express';
import type { PolicyStore } from '../policy-file/policy-store';
import type { EffectivePolicyResponse } from '../protocol';

/** `GET /policy`: the workspace policy in force (templates included) and any failed reload. */
export function policyRoute(
  router: Router,
  deps: { readonly policy: PolicyStore; readonly approvalTimeoutSeconds: () => number },
): void {
  router.get('/policy', (_req, res) => {
    const current = deps.policy.current;
    const body: EffectivePolicyResponse = {
      source: current.source,
      policy: current.policy,
      approvalTimeoutSeconds: deps.approvalTimeoutSeconds(),
      reloadError: deps.policy.lastError?.toInfo(),
    };
    res.json(body);
  });
}
