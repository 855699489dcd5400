/**
 * The columns of a call's row in the call index: what its draft collects while the call is open
 * (call-draft.ts) and what a query reads back (index-query.ts).
 */
export interface CallColumns {
  readonly callId: string;
  readonly seq: number;
  readonly ts: string;
  readonly identity?: string;
  readonly service?: string;
  readonly region?: string;
  readonly operation?: string;
  readonly method?: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly decision?: string;
  readonly reason?: string;
  readonly rule?: string;
  readonly status?: number;
  readonly errorCode?: string;
  readonly awsRequestId?: string;
  readonly upstreamMs?: number;
  readonly gatewayMs?: number;
}
