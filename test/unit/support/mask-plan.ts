// A task's placeholders and the masking plan of one operation, for the masking tests.
import { randomBytes } from 'node:crypto';
import { compileMaskRules, planFor, Placeholders } from '../../../gateway/masking';
import type { MaskRule } from '../../../gateway/policy-file/types';

export const master = randomBytes(32);
export const ph = Placeholders.forTask(master, 't-one');
export const plan = (
  service: string,
  operation: string,
  direction: 'request' | 'response' = 'response',
  rules: MaskRule[] = [],
) =>
  planFor({ service, operation, actions: [`${service}:${operation}`] }, direction, compileMaskRules(rules));
