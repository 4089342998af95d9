/**
 * `seedance`: the command line client of the REST API. `run` takes the arguments and the streams
 * and returns the exit code (0 ok, 1 failed, 2 bad usage), so tests drive it in-process and
 * `bin.mjs` only wires it to the real process.
 */
import { Command, CommanderError, Option } from 'commander';
import { ApiCallError } from './api-client';
import { registerAssets } from './commands/assets';
import { registerConsole } from './commands/console';
import { registerGroups } from './commands/groups';
import { registerUploads } from './commands/uploads';
import { registerUsage } from './commands/usage';
import { registerVideos } from './commands/videos';
import { registerWebhooks } from './commands/webhooks';
import { DEFAULT_API_URL, DEFAULT_REGION, UsageError } from './connection';
import { CliContext, type CliIo } from './context';
import { CommandFailed } from './errors';
import { formatError, type DisplayError } from './format';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('seedance')
    .description(
      'Manage virtual-character assets and generate Seedance 2.0 videos through the seedance-stack API',
    )
    .version('0.1.0')
    .addOption(
      new Option(
        '--api <url>',
        `API base URL (env SEEDANCE_API_URL, default the local stack ${DEFAULT_API_URL})`,
      ),
    )
    .addOption(new Option('--region <region>', `SigV4 region (env AWS_REGION, default ${DEFAULT_REGION})`))
    .option('--profile <name>', 'AWS profile for the credential chain')
    .option('--local', 'sign with the local dev credentials (default when --api is on loopback)')
    .option('--no-local', 'sign with the AWS credential chain even on loopback')
    .option('--json', 'print results as JSON (errors as JSON on stderr)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    })
    .showHelpAfterError('(run with --help for usage)');
  registerGroups(program, ctx);
  registerUploads(program, ctx);
  registerAssets(program, ctx);
  registerVideos(program, ctx);
  registerUsage(program, ctx);
  registerConsole(program, ctx);
  registerWebhooks(program, ctx);
  return program;
}

export async function run(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const ctx = new CliContext({
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
    ...(io.fetch ? { fetch: io.fetch } : {}),
    ...(io.sleep ? { sleep: io.sleep } : {}),
  });
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    // Commander reports help/version as exit 0 and every usage mistake as 1; usage is 2 here.
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const shown = displayError(e);
    if (argv.includes('--json')) ctx.io.stderr.write(`${JSON.stringify({ error: shown })}\n`);
    else ctx.io.stderr.write(`${formatError(shown)}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

export function displayError(e: unknown): DisplayError {
  if (e instanceof ApiCallError)
    return {
      code: e.code,
      message: e.message,
      ...(e.hint ? { hint: e.hint } : {}),
      ...(e.requestId ? { requestId: e.requestId } : {}),
      ...(e.status ? { status: e.status } : {}),
    };
  if (e instanceof CommandFailed || e instanceof UsageError)
    return { code: e.code, message: e.message, ...('hint' in e && e.hint ? { hint: e.hint } : {}) };
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : e.name, message: e.message };
  }
  return { code: 'Error', message: String(e) };
}
