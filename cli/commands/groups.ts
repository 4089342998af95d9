import type { Command } from 'commander';
import type { Group } from '../api-types';
import type { CliContext } from '../context';
import { positiveInt } from '../context';
import { renderKeyValues, renderTable, shortDate } from '../format';

const groupView = (g: Group) =>
  renderKeyValues({
    groupId: g.groupId,
    name: g.name,
    description: g.description || undefined,
    projectName: g.projectName,
    createdAt: g.createdAt,
  });

export function registerGroups(program: Command, ctx: CliContext): void {
  const groups = program.command('groups').description('asset groups (one per virtual character)');

  groups
    .command('create <name>')
    .description('create a group')
    .option('-d, --description <text>', 'description (≤ 300 characters)')
    .action(async (name: string, o: { description?: string }, cmd: Command) => {
      const g = await ctx.client(cmd).createGroup({
        name,
        ...(o.description === undefined ? {} : { description: o.description }),
      });
      ctx.result(cmd, g, () => groupView(g));
    });

  groups
    .command('list')
    .description('list groups')
    .option('--name <text>', 'only groups whose name contains this')
    .option('--page <n>', 'page number', positiveInt)
    .option('--page-size <n>', 'page size (≤ 100)', positiveInt)
    .action(async (o: { name?: string; page?: number; pageSize?: number }, cmd: Command) => {
      const page = await ctx.client(cmd).listGroups({
        ...(o.name === undefined ? {} : { name: o.name }),
        ...(o.page === undefined ? {} : { pageNumber: o.page }),
        ...(o.pageSize === undefined ? {} : { pageSize: o.pageSize }),
      });
      ctx.result(cmd, page, () =>
        [
          renderTable(
            [
              { header: 'GROUP', value: (g: Group) => g.groupId },
              { header: 'NAME', value: (g) => g.name },
              { header: 'CREATED', value: (g) => shortDate(g.createdAt) },
              { header: 'DESCRIPTION', value: (g) => g.description },
            ],
            page.items,
          ),
          `${page.items.length} of ${page.total} (page ${page.pageNumber})`,
        ].join('\n'),
      );
    });

  groups
    .command('get <groupId>')
    .description('show one group')
    .action(async (groupId: string, _o: unknown, cmd: Command) => {
      const g = await ctx.client(cmd).getGroup(groupId);
      ctx.result(cmd, g, () => groupView(g));
    });

  groups
    .command('delete <groupId>')
    .description('delete a group and all its assets')
    .option('--force', 'also delete a group this stack did not create (or a LivenessFace group)')
    .action(async (groupId: string, o: { force?: boolean }, cmd: Command) => {
      await ctx.client(cmd).deleteGroup(groupId, { force: o.force === true });
      ctx.result(cmd, { groupId, deleted: true }, () => `Deleted group ${groupId}`);
    });
}
