import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { resolveConnection } from '../connection';
import type { CliContext } from '../context';
import { createSigner } from '../signing';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number');
  return n;
}

/** Resolves when the process is asked to stop, so the server lives as long as the command. */
const untilStopped = () =>
  new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });

export function registerConsole(program: Command, ctx: CliContext): void {
  program
    .command('console')
    .description(
      'serve the browser console on loopback; its calls are signed here with your AWS credentials (never sent to the browser)',
    )
    .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', port, 8787)
    .action(async (o: { port: number }, cmd: Command) => {
      const g = ctx.globals(cmd);
      const conn = resolveConnection(
        { api: g.api, region: g.region, profile: g.profile, local: g.local },
        ctx.io.env,
      );
      // Loaded here: the console's bundler is needed by this command only.
      const { startConsoleServer } = await import('../../console/server/server');
      const server = await startConsoleServer({
        mode: conn.local ? 'local' : 'remote',
        apiUrl: conn.apiUrl,
        signer: createSigner({ credentials: conn.credentials, region: conn.region }),
        port: o.port,
      });
      const signing = conn.local ? 'the local dev credentials' : 'your AWS credential chain';
      ctx.result(cmd, { url: server.url, api: conn.apiUrl }, () =>
        [
          `console  ${server.url}`,
          `API      ${conn.apiUrl} (calls signed with ${signing}, region ${conn.region})`,
          'Ctrl-C stops it.',
        ].join('\n'),
      );
      const signal = await untilStopped();
      ctx.note(cmd, `${signal}: stopping the console`);
      await server.close();
    });
}
