import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { readFile, rm } from 'node:fs/promises';
import { ApprovalManager } from '../approvals/approval-manager';
import { isRegion, regionProblem } from '../aws/region';
import { awsModel } from '../aws/model';
import { resourceCatalogue } from '../aws/iam-resources';
import { EventBus } from '../approvals/event-bus';
import { controlApp } from '../control/control-app';
import { Journal } from '../journal/journal';
import { Masking } from '../masking';
import { loadOrCreateSigningKey } from '../bundle/signing-key';
import { startRetention } from '../recording/retention-timer';
import { SummaryKeeper } from '../recording/summary-keeper';
import { maskRequestParams } from '../recording/request-record';
import { redactSecretFields } from '../approvals/redact-params';
import { CallDecider } from '../pipeline/decide';
import { handleCall } from '../pipeline/handle-call';
import { PolicyStore } from '../policy-file/policy-store';
import type { PipelineDeps } from '../pipeline/pipeline-deps';
import { CONTROL_PREFIX, type GatewayInfo, PROTOCOL_VERSION } from '../protocol';
import { ProxyFront } from '../proxy/proxy-front';
import { setupProxyMode } from '../proxy/proxy-mode';
import { QueueUrlTable } from '../sqs/queue-urls';
import { JournalHeads } from '../tasks/journal-heads';
import { TaskRegistry } from '../tasks/task-registry';
import { gatewayIdentity } from '../identity/gateway-identity';
import { recordChild } from '../identity/child-sessions';
import { lookupAccount, stsTarget } from '../upstream/account-lookup';
import { AccountResolver } from '../upstream/account-resolver';
import { BodyBudget } from '../pipeline/body-budget';
import { Resigner } from '../upstream/resign';
import { onClientError } from './client-error';
import { GATEWAY_INFO_FILE, prepareDataDir } from './data-dir';
import { writeFileDurable } from '../storage/durable-file';
import { lockDataDir } from './data-dir-lock';
import type { GatewayOptions, RunningGateway } from './gateway-options';
import { dropIdleConnection, IDLE_TIMEOUT_MS } from '../upstream/awaiting-aws';
import { abortUpstreamCalls } from '../upstream/forward';

export type { GatewayOptions, RunningGateway } from './gateway-options';

/**
 * Starts a gateway that holds its data dir for as long as it runs: a second one on the same dir
 * is refused (DataDirInUseError), since two writers would break each other's journal chains.
 */
export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  // Every task's AWS_REGION, and part of every host an endpoint-mode call is forwarded to.
  if (!isRegion(opts.region)) throw new Error(regionProblem(opts.region, 'the gateway configuration'));
  const lock = await lockDataDir(opts.dataDir);
  let gateway: RunningGateway;
  try {
    gateway = await startOnLockedDataDir(opts);
  } catch (e) {
    await lock.release();
    throw e;
  }
  return {
    port: gateway.port,
    server: gateway.server,
    async close() {
      try {
        await gateway.close();
      } finally {
        await lock.release();
      }
    },
  };
}

async function startOnLockedDataDir(opts: GatewayOptions): Promise<RunningGateway> {
  const events = new EventBus();
  // A policy that does not load stops the start here (PolicyFileError names file and line).
  const policy = await PolicyStore.open({
    file: opts.policyFile,
    log: opts.log,
    onReload: (o) =>
      events.publish(
        o.ok
          ? { type: 'policy.reloaded', source: o.policy.source }
          : { type: 'policy.invalid', error: o.error.toInfo() },
      ),
  });
  const approvalTimeoutSeconds = (): number =>
    opts.approvalTimeoutSeconds ?? policy.current.policy.approvalTimeoutSeconds;
  // Loaded now, not at the first call: a gateway that reaches the descriptor limit before its
  // first call must still identify calls, and a missing or stale model stops the start instead.
  awsModel();
  resourceCatalogue();
  const secrets = await prepareDataDir(opts.dataDir);
  const tasks = await TaskRegistry.load(opts.dataDir, secrets.masterKey);
  // Calls between arrival and their last journal write; a lone call syncs on the event loop.
  let callsInFlight = 0;
  // Each journal's last durable head, kept outside it: removed events are noticed on every read.
  const heads = await JournalHeads.load(opts.dataDir, opts.log);
  // Each task's summary (counts for `sessions` and the timeline) is kept as its events are journaled.
  const summaries = new SummaryKeeper(opts.dataDir, {
    log: (level, message, fields) => opts.log.log(level, message, fields),
  });
  const journal = await Journal.create(
    opts.dataDir,
    opts.journalFault,
    () => callsInFlight <= 1,
    heads,
    summaries.observe,
  );
  // The bundle-signing key exists from the first start, so its fingerprint can be shared early.
  await loadOrCreateSigningKey(opts.dataDir);
  const retention = startRetention({
    dataDir: opts.dataDir,
    policy: opts.retention ?? {},
    tasks: () => tasks.list(),
    release: (taskId) => {
      // Retention deletes the journal next: its anchor stays, marked, so the gap is explained.
      heads.pruned(taskId);
      return journal.release(taskId);
    },
    log: opts.log,
  });
  const decider = new CallDecider(() => policy.current);
  // Mask rules come from the workspace policy in force (reloaded policies apply at once).
  const masking = new Masking(secrets.masterKey, policy);
  const approvals = new ApprovalManager({
    timeoutSeconds: approvalTimeoutSeconds,
    // Prompts show params through the masking catalogue, then the name-based redaction on top.
    maskParams: (t) =>
      redactSecretFields({
        ...t,
        params: maskRequestParams(
          t.params,
          { service: t.service, operation: t.operation, actions: [] },
          masking,
          '_approvals',
        ).params,
      }),
    record: async (taskId, evs) => {
      await journal.record(taskId, evs);
    },
    publish: (e) => events.publish(e),
    log: opts.log,
  });
  const upstreamCa = opts.upstreamCaFile ? await readFile(opts.upstreamCaFile, 'utf8') : undefined;
  let port = 0;
  const runCall = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    arrival: 'endpoint' | 'proxy',
    realHost?: string,
  ): void => {
    callsInFlight++;
    handleCall(req, res, deps, arrival, realHost)
      .catch((e: unknown) => {
        opts.log.log('error', 'unhandled pipeline failure', {
          error: e instanceof Error ? e.stack : String(e),
        });
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      })
      .finally(() => callsInFlight--);
  };
  const proxy = await setupProxyMode({
    dataDir: opts.dataDir,
    noTunnel: opts.noTunnel,
    timeouts: {
      ...opts.proxyTimeouts,
      ...(opts.idleTimeoutMs !== undefined ? { idleMs: opts.idleTimeoutMs } : {}),
    },
    env: opts.env ?? process.env,
    log: opts.log,
    self: () => ({ host: opts.host, port }),
    onAwsRequest: (req, res, realHost) => runCall(req, res, 'proxy', realHost),
  });
  const sts = stsTarget(opts.region, opts.upstream);
  const stsEndpoint = { target: sts, region: opts.region, ca: upstreamCa, agent: proxy.upstreamAgent(sts) };
  const ids = await gatewayIdentity(opts, stsEndpoint, secrets.masterKey, { journal, tasks, events });
  const { identity, children } = ids;
  const account = new AccountResolver({
    credentials: identity.credentials,
    lookup: (c) => lookupAccount(c, stsEndpoint),
    configured: opts.accountId,
    log: opts.log,
  });
  // Learned before the first call when STS answers promptly; calls wait for it (bounded) otherwise.
  await account.start();
  const deps: PipelineDeps = {
    tasks,
    journal,
    syncResponses: opts.syncResponses === true,
    decider,
    approvals,
    events,
    resigner: new Resigner(identity.credentials),
    upstream: opts.upstream,
    upstreamCa,
    account,
    bodyBudget: new BodyBudget(),
    log: opts.log,
    masking,
    upstreamAgent: (target) => proxy.upstreamAgent(target),
    upstreamTimeoutMs: opts.upstreamTimeoutMs,
    queueUrls: new QueueUrlTable(),
    taskCredentials: identity.taskCredentials,
    children,
    childIssued: (c) => recordChild(journal, c, opts.log),
  };
  const control = controlApp({
    token: secrets.controlToken,
    tasks,
    journal,
    decider,
    approvals,
    events,
    policy,
    approvalTimeoutSeconds,
    region: opts.region,
    port: () => port,
    startedBy: userInfo().username,
    identity,
    children,
    log: opts.log,
    dataDir: opts.dataDir,
    caBundle: proxy.caFile,
  });

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (ProxyFront.isProxyRequest(req)) {
      proxy.front.onProxyRequest(req, res);
      return;
    }
    if (req.url?.startsWith(`${CONTROL_PREFIX}/`) || req.url === CONTROL_PREFIX) {
      control(req, res);
      return;
    }
    runCall(req, res, 'endpoint');
  };
  // Raw URL and headers reach the pipeline untouched: no framework on the data path.
  const server = http.createServer(
    // requireHostHeader off: a request without Host gets an AWS-shaped refusal from the pipeline
    // (checkFraming), not Node's empty 400.
    { headersTimeout: 30_000, requestTimeout: 0, keepAliveTimeout: 5_000, requireHostHeader: false },
    onRequest,
  );
  // Registering checkContinue stops Node from answering `100 Continue` by itself: the pipeline
  // says go only after the call is decided and journaled.
  server.on('checkContinue', onRequest);
  // Other Expect values reach the pipeline too, which refuses them AWS-shaped (Node: a bare 417).
  server.on('checkExpectation', onRequest);
  server.on('clientError', onClientError);
  // Proxy mode (HTTPS_PROXY): CONNECT on the same port; AWS hosts join the same pipeline.
  server.on('connect', proxy.front.onConnect);
  // A connection that goes silent this long (headers, body or both) is dropped, never left hanging;
  // one whose call is out at AWS is waiting, and the upstream's own limit bounds that.
  server.setTimeout(opts.idleTimeoutMs ?? IDLE_TIMEOUT_MS, dropIdleConnection);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const infoFile = join(opts.dataDir, GATEWAY_INFO_FILE);
  const info: GatewayInfo = {
    pid: process.pid,
    host: opts.host,
    port,
    startedAt: new Date().toISOString(),
    protocolVersion: PROTOCOL_VERSION,
  };
  await writeFileDurable(infoFile, JSON.stringify(info));

  return {
    port,
    server,
    async close() {
      // Held calls are refused and event streams end, so connections can drain.
      policy.close();
      identity.close();
      approvals.close();
      events.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // In-flight calls get a moment to finish; then calls out at AWS are given up (a silent
        // AWS would keep the process up) and connections are cut, proxied ones too.
        setTimeout(() => {
          abortUpstreamCalls('The gateway stopped before AWS answered; the call may have reached AWS.');
          server.closeAllConnections();
          proxy.front.close();
        }, 5_000).unref();
      });
      retention.stop();
      proxy.close();
      await journal.close();
      await summaries.close();
      await rm(infoFile, { force: true });
    },
  };
}
