import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { GatewayEvent, RefreshTokenLine } from '../../gateway/protocol';
import { ApprovalStore } from '../approvals/approval-store';
import { AirlockClient, AirlockClientError } from '../control/airlock-client';
import { EventStream } from '../control/event-stream';
import { CrashLoopWatch } from './crash-loop';
import { type GatewaySettings, gatewayArgs, gatewayEnv } from './gateway-args';
import { forwardLogLine } from './gateway-log';
import { type GatewayState, GatewaySupervisor } from './gateway-supervisor';

export interface GatewayControllerDeps {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly dataDir: string;
  readonly settings: () => GatewaySettings;
  /** The workspace policy file, when there is a workspace. */
  readonly policyFile: () => string | undefined;
  /** Called once per gateway start, when it is ready and its client works. */
  readonly onReady: (client: AirlockClient) => Promise<void>;
  readonly onGone: () => void;
  readonly onEvent: (event: GatewayEvent) => void;
  /** The IdP rotated the refresh token of the extension's sign-in. */
  readonly onRefreshToken: (line: RefreshTokenLine) => void;
}

const POLL_MS = 2_000;

/**
 * The running gateway as the rest of the extension sees it: supervised process, control client,
 * live events, pending approvals.
 */
export class GatewayController implements vscode.Disposable {
  readonly approvals = new ApprovalStore();
  private readonly supervisor: GatewaySupervisor;
  private clientNow: AirlockClient | undefined;
  private events: EventStream | undefined;
  private poller: NodeJS.Timeout | undefined;
  private readonly stateChanged = new vscode.EventEmitter<GatewayState>();
  private readonly crashLoop = new CrashLoopWatch();
  readonly onDidChangeState = this.stateChanged.event;

  constructor(private readonly deps: GatewayControllerDeps) {
    this.supervisor = new GatewaySupervisor({
      execPath: process.execPath,
      script: deps.context.asAbsolutePath(join('dist', 'gateway.js')),
      dataDir: deps.dataDir,
      env: gatewayEnv(process.env),
      args: () => {
        const policy = deps.policyFile();
        return Promise.resolve(
          gatewayArgs(deps.settings(), policy && existsSync(policy) ? policy : undefined),
        );
      },
      onLogLine: (line) => forwardLogLine(deps.log, line),
      onState: (state) => this.onState(state),
      onRefreshToken: (line) => deps.onRefreshToken(line),
    });
  }

  get state(): GatewayState {
    return this.supervisor.state;
  }

  get client(): AirlockClient | undefined {
    return this.clientNow;
  }

  get pid(): number | undefined {
    return this.supervisor.pid;
  }

  start(): void {
    this.deps.log.info(`starting the gateway (data in ${this.deps.dataDir})`);
    this.supervisor.start();
  }

  restart(): Promise<void> {
    return this.supervisor.restart();
  }

  /** Stops the gateway for good (deactivation): its port is left free. */
  async stop(): Promise<void> {
    await this.supervisor.dispose();
  }

  dispose(): void {
    this.detach();
    void this.supervisor.dispose();
    this.stateChanged.dispose();
  }

  private onState(state: GatewayState): void {
    switch (state.kind) {
      case 'running':
        this.deps.log.info(`gateway ready on 127.0.0.1:${state.port} (pid ${state.pid})`);
        void this.attach(state.port);
        break;
      case 'restarting': {
        this.detach();
        this.deps.log.warn(
          `${state.reason} Restarting it in ${Math.round(state.delayMs / 1000)} s (attempt ${state.attempt}).`,
        );
        const notice = this.crashLoop.next(state);
        if (notice)
          void vscode.window.showWarningMessage(notice, 'Restart Now', 'Show Log').then((pick) => {
            if (pick === 'Show Log') this.deps.log.show();
            else if (pick === 'Restart Now') void this.restart();
          });
        break;
      }
      case 'failed':
        this.crashLoop.next(state);
        this.detach();
        this.deps.log.error(state.reason);
        // Terminals' AWS calls fail from now on: say so once, where the user looks.
        void vscode.window
          .showErrorMessage(
            `Airlock: ${state.reason} AWS calls from terminals fail until it runs.`,
            'Show Gateway Log',
            'Restart Gateway',
          )
          .then((pick) => {
            if (pick === 'Show Gateway Log') this.deps.log.show();
            else if (pick === 'Restart Gateway') void this.restart();
          });
        break;
      default:
        this.crashLoop.next(state);
        this.detach();
    }
    this.stateChanged.fire(state);
  }

  /** `airlock-vscode/0.1.0 (Visual Studio Code 1.99.0) window=<session id> pid=<extension host>`. */
  private clientName(): string {
    const version = (this.deps.context.extension.packageJSON as { version?: unknown }).version;
    return `airlock-vscode/${typeof version === 'string' ? version : '?'} (${vscode.env.appName} ${vscode.version}) window=${vscode.env.sessionId} pid=${process.pid}`;
  }

  private async attach(port: number): Promise<void> {
    try {
      const token = (await readFile(join(this.deps.dataDir, 'control-token'), 'utf8')).trim();
      const client = new AirlockClient(port, token, this.clientName());
      this.clientNow = client;
      await this.deps.onReady(client);
      this.follow(client);
    } catch (e) {
      this.deps.log.error(
        `the gateway started but could not be set up: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    this.stateChanged.fire(this.state);
  }

  private follow(client: AirlockClient): void {
    const resync = (): void => {
      client.listApprovals().then(
        (list) => this.approvals.sync(list),
        (e: unknown) => {
          if (e instanceof AirlockClientError && e.code === 'Unsupported') {
            this.deps.log.info('this gateway version has no approvals API');
            this.stopPolling();
          } else this.deps.log.warn(`could not list approvals: ${String(e)}`);
        },
      );
    };
    this.events = new EventStream(`${client.base}/events`, client.authorization, {
      onEvent: (event) => {
        this.approvals.apply(event);
        this.deps.onEvent(event);
      },
      onOpen: resync,
      onUnsupported: () => {
        // An older gateway: no live events, so poll for approvals instead.
        this.deps.log.info('this gateway version has no event stream; polling for approvals');
        resync();
        this.poller = setInterval(resync, POLL_MS);
      },
      onError: (message) => this.deps.log.debug(message),
    });
    this.events.start();
  }

  private stopPolling(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }

  private detach(): void {
    this.events?.close();
    this.events = undefined;
    this.stopPolling();
    this.approvals.clear();
    if (this.clientNow) this.deps.onGone();
    this.clientNow = undefined;
  }
}
