/** One character: its assets (thumbnails, status) and a drop zone for many files with live status each. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, seg } from '../api';
import { href } from '../router';
import { fileNames, previews, useStore } from '../store';
import type { Asset, GroupItem, PageResult } from '../types';
import { addFiles, isFinished, phaseText, uploads, type UploadItem } from '../uploads';
import { Badge, ErrorNote, PageHeading } from '../ui';

export function CharacterView({ groupId }: { groupId: string }) {
  const [group, setGroup] = useState<GroupItem | undefined>();
  const [assets, setAssets] = useState<Asset[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [assetError, setAssetError] = useState<unknown>();
  const [reload, setReload] = useState(0);
  const refresh = useCallback(() => setReload((n) => n + 1), []);

  useEffect(() => {
    api<GroupItem>('GET', `/groups/${seg(groupId)}`).then(setGroup, setError);
  }, [groupId]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    api<PageResult<Asset>>('GET', `/groups/${seg(groupId)}/assets?pageSize=100`).then((p) => {
      setAssets(p.items);
      setAssetError(undefined);
      // Assets still processing upstream turn active on their own: look again a little later.
      if (p.items.some((a) => a.status === 'processing')) timer = setTimeout(refresh, 3000);
    }, setAssetError);
    return () => clearTimeout(timer);
  }, [groupId, reload, refresh]);

  return (
    <section>
      <p class="crumbs">
        <a href={href()}>Characters</a> ›
      </p>
      <PageHeading>{group?.name ?? 'Character'}</PageHeading>
      <ErrorNote error={error} prefix="Could not load the character" />
      {group ? (
        <p class="muted">
          <code>{group.groupId}</code>
          {group.description ? ` · ${group.description}` : ''}
        </p>
      ) : null}
      <p>
        <a class="button" href={`${href('compose')}?group=${encodeURIComponent(groupId)}`}>
          Compose a video with this character
        </a>
      </p>
      <Uploader groupId={groupId} onActive={refresh} />
      <div class="card">
        <h3>Assets</h3>
        <ErrorNote error={assetError} prefix="Could not list the assets" />
        {assets?.length === 0 ? <p>No assets yet: upload images above.</p> : null}
        <ul class="grid" aria-label="Assets">
          {assets?.map((a) => (
            <AssetCard key={a.assetId} asset={a} />
          ))}
        </ul>
      </div>
    </section>
  );
}

function AssetCard({ asset }: { asset: Asset }) {
  const preview = previews.get(asset.assetId);
  return (
    <li class="tile">
      {preview ? (
        <img src={preview} alt={`Thumbnail of ${asset.name || asset.assetId}`} />
      ) : (
        <div class="placeholder" aria-hidden="true">
          {(asset.assetType ?? 'Image').slice(0, 1)}
        </div>
      )}
      <div class="tile-text">
        <span class="name">{fileNames.get(asset.assetId) ?? (asset.name || asset.assetId)}</span>
        <Badge status={asset.status} />
        {asset.durationSeconds !== undefined ? (
          <span class="muted">
            {asset.assetType ?? 'clip'} · {asset.durationSeconds.toFixed(1)} s
          </span>
        ) : null}
        {asset.error ? <span class="reason">{asset.error.message}</span> : null}
      </div>
    </li>
  );
}

function Uploader({ groupId, onActive }: { groupId: string; onActive: () => void }) {
  const all = useStore(uploads);
  const mine = all.filter((u) => u.groupId === groupId);
  const [over, setOver] = useState(false);
  const take = (files: FileList | null) => {
    if (files && files.length > 0) addFiles(groupId, Array.from(files), onActive);
  };
  const done = mine.filter(isFinished).length;

  return (
    <div class="card">
      <h3 id="upload-title">Upload images</h3>
      <div
        class={`dropzone${over ? ' over' : ''}`}
        role="group"
        aria-labelledby="upload-title"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          take(e.dataTransfer?.files ?? null);
        }}
      >
        <p>Drop images here, or</p>
        <input
          id="file-input"
          class="visually-hidden"
          type="file"
          multiple
          accept="image/*"
          onChange={(e) => {
            take(e.currentTarget.files);
            e.currentTarget.value = '';
          }}
        />
        <label class="button" for="file-input">
          Choose files
        </label>
        <p class="muted">JPEG, PNG, WebP, BMP, TIFF, GIF or HEIC; 300–6000 px a side, under 30 MB.</p>
      </div>
      {mine.length > 0 ? (
        <>
          <p class="muted" aria-live="polite">
            {done} of {mine.length} finished
          </p>
          <ul class="uploads" aria-label="Uploads">
            {mine.map((u) => (
              <UploadRow key={u.key} item={u} />
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

function UploadRow({ item }: { item: UploadItem }) {
  const text = phaseText(item);
  return (
    <li class={`upload phase-${item.phase}`} data-file={item.fileName}>
      {item.preview ? <img src={item.preview} alt="" /> : <div class="placeholder" aria-hidden="true" />}
      <div class="grow">
        <span class="name">{item.fileName}</span>
        <progress
          max={1}
          value={item.phase === 'waiting' || item.phase === 'declaring' ? 0 : item.progress}
          aria-label={`Upload progress of ${item.fileName}`}
        />
        <span class="status" role="status">
          <Badge status={item.phase} /> {text}
        </span>
        {item.error?.hint ? <span class="hint">Hint: {item.error.hint}</span> : null}
      </div>
    </li>
  );
}
