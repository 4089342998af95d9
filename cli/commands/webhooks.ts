import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { CliContext } from '../context';
import { eventLine, startWebhookListener } from '../webhook-listener';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number');
  return n;
}

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Resolves when the process is asked to stop. */
const untilStopped = () =>
  new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });

export function registerWebhooks(program: Command, ctx: CliContext): void {
  const webhooks = program.command('webhooks').description('webhook endpoints (Standard Webhooks)');

  webhooks
    .command('listen')
    .description(
      'register a loopback endpoint with the local stack, verify every delivery and print the events live; Ctrl-C unregisters it',
    )
    .option('--events <types>', 'comma-separated event types (default: every type)', list)
    .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', port, 0)
    .action(async (o: { events?: string[]; port: number }, cmd: Command) => {
      const json = ctx.json(cmd);
      const listener = await startWebhookListener({
        client: ctx.client(cmd),
        ...(o.events ? { events: o.events } : {}),
        port: o.port,
        onEvent: (e) =>
          ctx.io.stdout.write(
            `${json ? JSON.stringify({ webhookId: e.webhookId, ...e.event }) : eventLine(e)}\n`,
          ),
        onInvalid: (reason) => ctx.io.stderr.write(`a delivery did not verify: ${reason}\n`),
      });
      ctx.note(
        cmd,
        `listening on ${listener.url} as ${listener.endpoint.id} (${o.events?.join(', ') ?? 'every event type'}); Ctrl-C stops`,
      );
      const signal = await untilStopped();
      ctx.note(cmd, `${signal}: unregistering ${listener.endpoint.id}`);
      await listener.close();
    });

  webhooks
    .command('list')
    .description('list the registered endpoints')
    .action(async (_o: unknown, cmd: Command) => {
      const page = await ctx.client(cmd).listWebhooks({ pageSize: 100 });
      ctx.result(cmd, page, () =>
        page.items
          .map((w) => `${w.id}  ${w.status.padEnd(8)}  ${w.url}  ${w.events?.join(',') ?? '*'}`)
          .join('\n'),
      );
    });

  webhooks
    .command('delete <webhookId>')
    .description('delete an endpoint')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      await ctx.client(cmd).deleteWebhook(id);
      ctx.result(cmd, { deleted: id }, () => `deleted ${id}`);
    });

  webhooks
    .command('replay <webhookId>')
    .description('re-send events (same webhook-id): --event <ids> or --from <iso> [--to <iso>]')
    .option('--event <ids>', 'comma-separated event IDs', list)
    .option('--from <iso>', 'events at or after this instant')
    .option('--to <iso>', 'events at or before this instant')
    .action(async (id: string, o: { event?: string[]; from?: string; to?: string }, cmd: Command) => {
      const body = o.event
        ? { eventIds: o.event }
        : { ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}) };
      const answer = await ctx.client(cmd).replayWebhook(id, body);
      ctx.result(cmd, answer, () => `replaying ${answer.replayed} event(s) to ${id}`);
    });
}
