import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../server/logger';
import { TunnelAgent } from '../upstream/tunnel-agent';
import type { UpstreamTarget } from '../upstream/upstream-target';
import { LeafCertificates } from './leaf-certs';
import { loadOrCreateCa } from './local-ca';
import { parentProxyFromEnv } from './parent-proxy';
import { publishCaCert } from './public-ca';
import { DEFAULT_PROXY_TIMEOUTS, ProxyFront, type ProxyTimeouts } from './proxy-front';
import { STANDIN_LEAF_RENEW_MS, writeStandInLeaf } from './standin-leaf';

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
  /** Stops renewing the stand-in's certificate. */
  close(): void;
}

/** Proxy mode's parts: the local CA (created at first start), leaf certificates, parent proxy. */
export async function setupProxyMode(opts: ProxyModeOptions): Promise<ProxyMode> {
  const ca = await loadOrCreateCa(opts.dataDir);
  const caFile = await publishCaCert(opts.dataDir, ca.certPem, opts.env);
  const leaves = new LeafCertificates(ca);
  // The extension's stand-in answers proxy-mode calls inside TLS with this while the gateway is
  // down; it is short-lived, so it is renewed while the gateway runs, and never fails a start.
  const issueStandIn = (): Promise<void> =>
    writeStandInLeaf(opts.dataDir, ca).then(
      () => undefined,
      (e: unknown) =>
        opts.log.log('warn', 'could not write the stand-in certificate', {
          error: (e as Error).message,
          effect: 'while the gateway is down, proxy-mode calls fail without naming Airlock',
        }),
    );
  await issueStandIn();
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
  const renew = setInterval(() => void issueStandIn(), STANDIN_LEAF_RENEW_MS);
  renew.unref();
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
    close() {
      clearInterval(renew);
    },
  };
}
