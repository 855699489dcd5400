import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ApprovalManager } from '../approvals/approval-manager';
import type { EventBus } from '../approvals/event-bus';
import type { Journal } from '../journal/journal';
import { PolicyError } from '../policy';
import type { PolicyStore } from '../policy-file/policy-store';
import {
  CONTROL_PREFIX,
  type EndTaskResponse,
  type ListTasksResponse,
  PROTOCOL_VERSION,
  type StartTaskRequest,
  type StartTaskResponse,
} from '../protocol';
import type { CallDecider } from '../pipeline/decide';
import type { Logger } from '../server/logger';
import { MAX_TTL_SECONDS, type TaskRegistry } from '../tasks/task-registry';
import { agentEnv, REAL_CREDENTIAL_VARIABLES } from './agent-env';
import { approvalRoutes } from './approval-routes';
import { ControlError, sendError, storageError } from './control-error';
import { eventStream } from './event-stream';
import { policyRoute } from './policy-route';
import { identityRoutes } from './identity-routes';
import type { IdentityMode } from '../identity/identity-mode';
import { displayName } from '../identity/identity-claims';
import { GatewayError } from '../errors/gateway-error';
import { StsError } from '../upstream/sts-client';

export interface ControlDeps {
  readonly token: string;
  readonly tasks: TaskRegistry;
  readonly journal: Journal;
  readonly decider: CallDecider;
  readonly approvals: ApprovalManager;
  readonly events: EventBus;
  readonly policy: PolicyStore;
  /** The approval timeout in force (the gateway flag, else the policy's). */
  readonly approvalTimeoutSeconds: () => number;
  readonly region: string;
  readonly port: () => number;
  readonly startedBy: string;
  /** Profile or OIDC mode: who is signed in, and each task's own STS session. */
  readonly identity: IdentityMode;
  /** Roles agents assumed: they end with their task. */
  readonly children: { endTask(taskId: string): void };
  readonly log: Logger;
  /** Where the gateway keeps its state, named in storage errors. */
  readonly dataDir: string;
  /** Proxy mode's CA certificate file, handed to agents as AWS_CA_BUNDLE. */
  readonly caBundle?: string;
}

function parseStart(body: unknown): StartTaskRequest {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.name !== 'string' || b.name.trim() === '' || b.name.length > 200)
    throw new ControlError(
      'InvalidRequest',
      400,
      'A task needs a name (1 to 200 characters) that says what it is for.',
    );
  if (b.ttlSeconds !== undefined && (!Number.isSafeInteger(b.ttlSeconds) || (b.ttlSeconds as number) <= 0))
    throw new ControlError('InvalidRequest', 400, 'ttlSeconds must be a positive whole number of seconds.');
  if ((b.ttlSeconds as number | undefined) !== undefined && (b.ttlSeconds as number) > MAX_TTL_SECONDS)
    throw new ControlError('InvalidRequest', 400, `ttlSeconds may be at most ${MAX_TTL_SECONDS} (7 days).`);
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  if (b.scopeTemplate !== undefined && (typeof b.scopeTemplate !== 'string' || b.scopeTemplate === ''))
    throw new ControlError('InvalidRequest', 400, 'scopeTemplate must be the name of a scope template.');
  if (b.scopeTemplate !== undefined && b.scope !== undefined)
    throw new ControlError('InvalidRequest', 400, 'Give a task a scope or a scope template, not both.');
  return {
    name: b.name.trim(),
    scope: b.scope,
    scopeTemplate: str(b.scopeTemplate),
    ttlSeconds: b.ttlSeconds as number | undefined,
    agent: str(b.agent),
    workspace: str(b.workspace),
  };
}

/** Resolves `scopeTemplate` to the template's document in the policy in force now. */
function withTemplate(start: StartTaskRequest, policy: PolicyStore): StartTaskRequest {
  const name = start.scopeTemplate;
  if (name === undefined) return start;
  const templates = policy.current.policy.scopeTemplates;
  const scope = Object.prototype.hasOwnProperty.call(templates, name) ? templates[name] : undefined;
  if (scope === undefined) {
    const names = Object.keys(templates);
    throw new ControlError(
      'InvalidRequest',
      400,
      `No scope template "${name}" in the workspace policy; ${names.length > 0 ? `templates: ${names.join(', ')}` : 'it has none'}.`,
    );
  }
  return { ...start, scope };
}

/** The control API: tasks, approvals, the live event stream and the policy in force. */
export function controlApp(deps: ControlDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const expected = Buffer.from(deps.token);
  const router = express.Router();

  router.use((req: Request, res: Response, next: NextFunction) => {
    const given = Buffer.from((req.headers.authorization ?? '').replace(/^Bearer\s+/i, ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      sendError(
        res,
        new ControlError(
          'Unauthorized',
          401,
          'Missing or wrong control token (see <dataDir>/control-token).',
        ),
      );
      return;
    }
    next();
  });
  router.use(express.json({ limit: '1mb' }));

  router.get('/health', (_req, res) => {
    res.json({ ok: true, version: PROTOCOL_VERSION });
  });

  router.get('/tasks', (_req, res) => {
    const body: ListTasksResponse = { tasks: deps.tasks.list() };
    res.json(body);
  });

  router.post('/tasks', async (req, res) => {
    const start = withTemplate(parseStart(req.body), deps.policy);
    const who = deps.identity.identity();
    // At the descriptor limit idle journals are closed to make room: starting and ending tasks
    // is how the user gets out of it.
    const started = await deps.journal.withDescriptors(() =>
      deps.tasks.start(start, who ? displayName(who) : deps.startedBy, who),
    );
    const { secret } = started;
    let task = started.task;
    try {
      deps.decider.prepare(task.taskId, start.scope);
      const session = await deps.identity.taskStarted(task);
      if (session) task = { ...task, session };
    } catch (e) {
      await deps.tasks.end(task.taskId);
      deps.decider.forget(task.taskId);
      if (e instanceof PolicyError)
        throw new ControlError('InvalidScope', 400, `Invalid task scope: ${(e as Error).message}`);
      if (e instanceof GatewayError && e.code === 'InvalidArgument')
        throw new ControlError('InvalidScope', 400, `The task was not started: ${e.message}`);
      if (e instanceof GatewayError || e instanceof StsError)
        throw new ControlError('SessionUnavailable', 503, `The task was not started: ${e.message}`);
      throw e;
    }
    await deps.journal.record(task.taskId, [
      {
        type: 'task.started',
        data: {
          taskId: task.taskId,
          name: task.name,
          accessKeyId: task.accessKeyId,
          startedBy: task.startedBy,
          expiresAt: task.expiresAt,
          scope: task.scope,
          agent: task.agent,
          workspace: task.workspace,
          ...(task.identity ? { identity: task.identity } : {}),
        },
      },
    ]);
    deps.log.log('info', 'task started', { taskId: task.taskId, name: task.name });
    deps.events.publish({ type: 'task.started', task });
    const body: StartTaskResponse & { unset: readonly string[] } = {
      taskId: task.taskId,
      expiresAt: task.expiresAt,
      ...(task.session ? { session: task.session } : {}),
      env: agentEnv({
        port: deps.port(),
        accessKeyId: task.accessKeyId,
        secretAccessKey: secret,
        region: deps.region,
        caBundle: deps.caBundle,
      }),
      unset: REAL_CREDENTIAL_VARIABLES,
    };
    res.status(201).json(body);
  });

  router.post('/tasks/:id/end', async (req, res) => {
    const id = String(req.params.id);
    const before = deps.tasks.get(id);
    if (!before) throw new ControlError('NotFound', 404, `No task ${id}.`);
    const task = await deps.journal.withDescriptors(() => deps.tasks.end(id));
    if (before.state === 'active' && task) {
      // Calls held for approval are refused (and recorded) while the task's journal is open.
      await deps.approvals.endTask(id);
      deps.decider.forget(id);
      deps.identity.taskEnded(id);
      deps.children.endTask(id);
      await deps.journal.record(id, [{ type: 'task.ended', data: { taskId: id, reason: 'ended' } }]);
      await deps.journal.release(id);
      deps.log.log('info', 'task ended', { taskId: id });
      deps.events.publish({ type: 'task.ended', task });
    }
    const body: EndTaskResponse = { task: task ?? before };
    res.json(body);
  });

  approvalRoutes(router, deps);
  router.get('/events', eventStream(deps.events));
  policyRoute(router, deps);
  identityRoutes(router, deps.identity);

  app.use(CONTROL_PREFIX, router);
  app.use((_req: Request, res: Response) =>
    sendError(res, new ControlError('NotFound', 404, 'No such control endpoint.')),
  );
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ControlError) return sendError(res, err);
    const storage = storageError(err, deps.dataDir);
    if (storage) {
      deps.log.log('error', 'control API storage error', { error: String(err) });
      return sendError(res, storage);
    }
    const status = (err as { status?: number }).status;
    if (status && status < 500)
      return sendError(res, new ControlError('InvalidRequest', status, 'Malformed request body.'));
    deps.log.log('error', 'control API error', { error: err instanceof Error ? err.stack : String(err) });
    sendError(res, new ControlError('Internal', 500, 'Internal error; see the gateway log.'));
  });
  return app;
}
