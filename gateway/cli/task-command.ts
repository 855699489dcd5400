import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ControlClient } from '../control/control-client';
import type { TaskInfo } from '../protocol';
import { parseDuration } from '../tasks/parse-duration';
import { CliError } from './cli-error';
import { cloudTrailCommands } from '../identity/cloudtrail-command';
import { resolveDataDir } from './data-dir-option';

function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : text + '\n');
}

function line(t: TaskInfo): string {
  return `${t.taskId}  ${t.state.padEnd(7)}  ${t.startedAt}  ${t.name}`;
}

async function readScope(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new CliError(`Cannot read scope file ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CliError(`Scope file ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** `airlock task start|end|list`: talks to the running gateway through its control API. */
export async function runTaskCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string' },
      name: { type: 'string' },
      scope: { type: 'string' },
      'scope-template': { type: 'string' },
      ttl: { type: 'string' },
      agent: { type: 'string' },
      workspace: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const client = await ControlClient.fromDataDir(resolveDataDir(values['data-dir']));
  switch (sub) {
    case 'start': {
      if (!values.name) throw new CliError('task start needs --name "what the agent is doing"', 2);
      const ttlSeconds = values.ttl === undefined ? undefined : parseDuration(values.ttl);
      if (values.ttl !== undefined && ttlSeconds === undefined)
        throw new CliError(`--ttl must look like 90s, 30m, 2h or 1d, got ${values.ttl}`, 2);
      if (values.scope && values['scope-template'])
        throw new CliError('give --scope FILE or --scope-template NAME, not both', 2);
      const scope = values.scope ? await readScope(values.scope) : undefined;
      const started = await client.startTask({
        name: values.name,
        scope,
        scopeTemplate: values['scope-template'],
        ttlSeconds,
        agent: values.agent,
        workspace: values.workspace,
      });
      const exports = Object.entries(started.env)
        .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'`)
        .join('\n');
      const s = started.session;
      const enforced = !s
        ? ''
        : s.sessionPolicy
          ? `# AWS enforces the scope too: STS session ${s.roleSessionName} (${s.accessKeyIds.join(', ')}) has it as its session policy\n`
          : `# STS session ${s.roleSessionName} (${s.accessKeyIds.join(', ')}): no scope, so AWS applies the role's own permissions\n`;
      print(
        values.json,
        started,
        `# task ${started.taskId} until ${started.expiresAt}\n${enforced}${exports}`,
      );
      return 0;
    }
    case 'end': {
      const id = positionals[0];
      if (!id) throw new CliError('task end needs a task id (see: airlock task list)', 2);
      const { task } = await client.endTask(id);
      print(values.json, task, `ended ${line(task)}`);
      return 0;
    }
    case 'list': {
      const { tasks } = await client.listTasks();
      print(values.json, tasks, tasks.map(line).join('\n') || 'no tasks');
      return 0;
    }
    case 'trail': {
      const id = positionals[0];
      if (!id) throw new CliError('task trail needs a task id (see: airlock task list)', 2);
      const task = (await client.listTasks()).tasks.find((t) => t.taskId === id);
      if (!task) throw new CliError(`No task ${id}.`);
      const commands = cloudTrailCommands(task);
      if (commands.length === 0)
        throw new CliError(
          `Task ${id} had no STS session of its own (profile mode): CloudTrail names the profile's identity.`,
        );
      print(values.json, commands, commands.join('\n'));
      return 0;
    }
    default:
      throw new CliError('Usage: airlock task start|end|list|trail [--data-dir DIR] [--json]', 2);
  }
}
