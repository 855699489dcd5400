export { CATALOGUE, type CatalogueEntry } from './catalogue';
export { catalogueFields, EVERYWHERE } from './catalogue-lookup';
export { maskBody, type BodyFormat, type BodyMaskResult } from './mask-body';
export { maskParams, maskQueryString, type ParamsMaskResult } from './mask-params';
export { Masking } from './masking';
export { planFor, type MaskPlan } from './plan';
export { isPlaceholder, Placeholders, PLACEHOLDER_PATTERN } from './placeholder';
export { compileMaskRules, type MaskCall } from './rules';
export type { MaskDirection, MaskedField, MaskSource, ShapeKind } from './types';
