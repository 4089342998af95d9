import type { Command } from 'commander';
import type { AssetView } from '../api-types';
import type { CliContext } from '../context';
import { positiveInt } from '../context';
import { formatReason, renderKeyValues, renderTable, shortDate } from '../format';
import { stripAssetScheme } from '../videos';

const assetView = (a: AssetView) =>
  renderKeyValues({
    assetId: a.assetId,
    assetUri: a.assetUri,
    status: a.status,
    name: a.name || undefined,
    groupId: a.groupId,
    createdAt: a.createdAt,
    error: a.error ? formatReason(a.error) : undefined,
  });

export function registerAssets(program: Command, ctx: CliContext): void {
  const assets = program.command('assets').description('assets (asset:// IDs usable in videos)');

  assets
    .command('list')
    .description("list a group's assets")
    .requiredOption('-g, --group <groupId>', 'the group')
    .option('--status <status>', 'processing, active or failed')
    .option('--page <n>', 'page number', positiveInt)
    .option('--page-size <n>', 'page size (≤ 100)', positiveInt)
    .action(async (o: { group: string; status?: string; page?: number; pageSize?: number }, cmd: Command) => {
      const page = await ctx.client(cmd).listGroupAssets(o.group, {
        ...(o.status === undefined ? {} : { status: o.status }),
        ...(o.page === undefined ? {} : { pageNumber: o.page }),
        ...(o.pageSize === undefined ? {} : { pageSize: o.pageSize }),
      });
      ctx.result(cmd, page, () =>
        [
          renderTable(
            [
              { header: 'ASSET', value: (a: AssetView) => a.assetUri || `asset://${a.assetId}` },
              { header: 'STATUS', value: (a) => a.status },
              { header: 'NAME', value: (a) => a.name },
              { header: 'CREATED', value: (a) => shortDate(a.createdAt) },
              { header: 'ERROR', value: (a) => (a.error ? formatReason(a.error) : undefined) },
            ],
            page.items,
          ),
          `${page.items.length} of ${page.total} (page ${page.pageNumber})`,
        ].join('\n'),
      );
    });

  assets
    .command('get <assetId>')
    .description('show one asset (asset-… or asset://asset-…)')
    .action(async (assetId: string, _o: unknown, cmd: Command) => {
      const a = await ctx.client(cmd).getAsset(stripAssetScheme(assetId));
      ctx.result(cmd, a, () => assetView(a));
    });

  assets
    .command('adopt <assetId>')
    .description('adopt an asset made elsewhere, e.g. a real-person asset from the console')
    .action(async (assetId: string, _o: unknown, cmd: Command) => {
      const a = await ctx.client(cmd).adoptAsset(stripAssetScheme(assetId));
      ctx.result(cmd, a, () => assetView(a));
    });

  assets
    .command('delete <assetId>')
    .description('delete one asset')
    .action(async (assetId: string, _o: unknown, cmd: Command) => {
      const id = stripAssetScheme(assetId);
      await ctx.client(cmd).deleteAsset(id);
      ctx.result(cmd, { assetId: id, deleted: true }, () => `Deleted asset ${id}`);
    });
}
