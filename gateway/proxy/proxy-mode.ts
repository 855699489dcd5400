import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../server/logger';
import { TunnelAgent } from '../upstream/tunnel-agent';
import type { UpstreamTarget } from '../upstream/upstream-target';
import { LeafCertificates } from './leaf-certs';
import { loadOrCreateCa } from './local-ca';
import { parentProxyFromEnv } from './parent-proxy';
import { publishCaCert } from './public-ca';
import { DEFAULT_PROXY_TIMEOUTS, ProxyFront, type ProxyTimeouts } from './proxy-front';

export interface ProxyModeOptions {
  readonly dataDir: string;
  /** Refuse CONNECT and plain-HTTP proxying to non-AWS hosts. */
  readonly noTunnel?: boolean;
  readonly timeouts?: Partial<ProxyTimeouts>;
  /** The gateway process's environment: its own corporate proxy, if any, is chained to. */
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  readonly self: () => { readonly host: string; readonly port: number };
  readonly onAwsRequest: (req: IncomingMessage, res: ServerResponse, realHost: string) => void;
}

export interface ProxyMode {
  readonly front: ProxyFront;
  /** The CA certificate file agents trust (AWS_CA_BUNDLE): a public copy outside the data dir. */
  readonly caFile: string;
  /** The agent for a forward to this target: through the parent proxy when one applies. */
  upstreamAgent(target: UpstreamTarget): Agent | undefined;
}

/** Proxy mode's parts: the local CA (created at first start), leaf certificates, parent proxy. */
export async function setupProxyMode(opts: ProxyModeOptions): Promise<ProxyMode> {
  const ca = await loadOrCreateCa(opts.dataDir);
  const caFile = await publishCaCert(opts.dataDir, ca.certPem, opts.env);
  const leaves = new LeafCertificates(ca);
  const parent = parentProxyFromEnv(opts.env, opts.self);
  if (parent)
    opts.log.log('info', 'chaining to the parent proxy of the gateway environment', {
      https: parent.https?.host,
      http: parent.http?.host,
    });
  const front = new ProxyFront({
    leaves,
    parent,
    tunnels: opts.noTunnel !== true,
    timeouts: { ...DEFAULT_PROXY_TIMEOUTS, ...opts.timeouts },
    log: opts.log,
    self: opts.self,
    onAwsRequest: opts.onAwsRequest,
  });
  const agents = new Map<string, TunnelAgent>();
  return {
    front,
    caFile,
    upstreamAgent(target) {
      // Plain-http upstreams (a local sandbox) are reached directly.
      if (!parent || target.protocol !== 'https:') return undefined;
      const via = parent.forTunnel({ host: target.hostname, port: target.port ?? 443 });
      if (!via) return undefined;
      let agent = agents.get(via.href);
      if (!agent) {
        agent = new TunnelAgent(via);
        agents.set(via.href, agent);
      }
      return agent;
    },
  };
}
