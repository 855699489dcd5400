/**
 * How long a connection to AWS may sit idle in the gateway's pool. Node's agent keeps idle
 * connections forever unless it has a timeout of its own, and only then honours a server's
 * `Keep-Alive: timeout=N` (closing at N - 1 s): without one, a call can go out on a connection
 * the server is closing at that moment and fail with ECONNRESET (a 502 for the agent). AWS's
 * endpoints announce no timeout; load balancers in front of AWS-compatible services commonly
 * close after 60 s idle, so idle connections are closed a little before that.
 */
export const UPSTREAM_IDLE_CONNECTION_MS = 50_000;

/** The options of every agent the gateway forwards through (direct, and tunnelled via a proxy). */
export const UPSTREAM_AGENT_OPTIONS = {
  keepAlive: true,
  maxSockets: 256,
  timeout: UPSTREAM_IDLE_CONNECTION_MS,
} as const;
