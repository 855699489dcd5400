import { need, type ServiceMapper } from './iam-arn';
import { templateResources, type TemplateOptions } from './resource-template';

/**
 * WAFV2 ARNs start with the scope, which the API names in upper case (`REGIONAL`, `CLOUDFRONT`)
 * and the ARN in its own words (`regional`, `global`): filled as is, every ARN would be wrong.
 */
const SCOPES: Readonly<Record<string, string>> = { REGIONAL: 'regional', CLOUDFRONT: 'global' };

const OPTIONS: TemplateOptions = {
  // An unknown scope is no plain name: it leaves the resource at `*`.
  value: (_type, variable, raw) => (variable === 'Scope' ? (SCOPES[raw] ?? '/') : raw),
};

export const mapWafv2: ServiceMapper = (op, p, s, service) => [
  need(
    `wafv2:${op}`,
    ...templateResources({ service, iamPrefix: 'wafv2', operation: op, action: op }, p, s, OPTIONS),
  ),
];
