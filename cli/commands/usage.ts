/**
 * `seedance usage`: tokens and estimated cost of the videos created in a range (GET /usage), one row
 * per day, model or caller, and the total.
 */
import { Option, type Command } from 'commander';
import type { UsageReport, UsageTotals } from '../api-types';
import type { CliContext } from '../context';
import { renderTable, shortDate } from '../format';

interface UsageOptions {
  from?: string;
  to?: string;
  groupBy?: string;
}

const tokens = (n: number) => n.toLocaleString('en-US');
/** Four decimals, as the API rounds them (1/10,000 of a unit). */
const amount = (n: number) => n.toFixed(4);

export function renderUsage(r: UsageReport): string {
  const header = r.groupBy === 'day' ? 'DAY' : r.groupBy === 'model' ? 'MODEL' : 'CALLER';
  const rows: (UsageTotals & { key: string })[] = [...r.groups, { key: 'TOTAL', ...r.total }];
  const lines = [
    `Videos created ${shortDate(r.from)} to ${shortDate(r.to)}; cost is an estimate in ${r.currency}`,
    renderTable(
      [
        { header, value: (g: (typeof rows)[number]) => g.key },
        { header: 'VIDEOS', value: (g) => g.videos },
        { header: 'TOKENS', value: (g) => tokens(g.completionTokens) },
        { header: `COST (${r.currency})`, value: (g) => amount(g.estimatedCost) },
        { header: 'UNPRICED', value: (g) => g.unpricedVideos || '' },
      ],
      rows,
    ),
  ];
  if (r.total.unpricedVideos > 0)
    lines.push('UNPRICED: videos whose model and resolution the price table has no price for (not in COST).');
  return lines.join('\n');
}

export function registerUsage(program: Command, ctx: CliContext): void {
  program
    .command('usage')
    .description('tokens and estimated cost of the videos created in a range')
    .option('--from <date>', 'start, a UTC day (2026-12-01) or an ISO instant (default: 30 days before --to)')
    .option('--to <date>', 'end, inclusive; a day means through its end (default: now)')
    .addOption(
      new Option('--group-by <what>', 'one row per day, model or caller').choices(['day', 'model', 'caller']),
    )
    .action(async (o: UsageOptions, cmd: Command) => {
      const report = await ctx.client(cmd).getUsage({
        ...(o.from === undefined ? {} : { from: o.from }),
        ...(o.to === undefined ? {} : { to: o.to }),
        ...(o.groupBy === undefined ? {} : { groupBy: o.groupBy }),
      });
      ctx.result(cmd, report, () => renderUsage(report));
    });
}
