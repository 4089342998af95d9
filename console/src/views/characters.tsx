/** Characters (asset groups): list, create, delete; real-person sessions and adopting an asset by ID. */
import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../api';
import { href, navigate } from '../router';
import type { Asset, GroupItem, PageResult } from '../types';
import { ErrorNote, PageHeading, shortTime } from '../ui';
import { RealPersonSession } from './real-person';

export function CharactersView() {
  const [groups, setGroups] = useState<GroupItem[] | undefined>();
  const [loadError, setLoadError] = useState<unknown>();
  const [reload, setReload] = useState(0);

  useEffect(() => {
    api<PageResult<GroupItem>>('GET', '/groups?pageSize=100').then((p) => {
      setGroups(p.items);
      setLoadError(undefined);
    }, setLoadError);
  }, [reload]);

  return (
    <section aria-labelledby="characters-title">
      <PageHeading>
        <span id="characters-title">Characters</span>
      </PageHeading>
      <div class="columns">
        <CreateCharacter />
        <div class="card">
          <h3>Your characters</h3>
          <ErrorNote error={loadError} prefix="Could not list the characters" />
          {groups === undefined && !loadError ? <p aria-busy="true">Loading…</p> : null}
          {groups?.length === 0 ? <p>No characters yet: create one.</p> : null}
          <ul class="list" aria-label="Characters">
            {groups?.map((g) => (
              <CharacterRow key={g.groupId} group={g} onDeleted={() => setReload((n) => n + 1)} />
            ))}
          </ul>
        </div>
      </div>
      <div class="columns">
        <RealPersonSession />
        <AdoptAsset />
      </div>
    </section>
  );
}

function CreateCharacter() {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const g = await api<GroupItem>('POST', '/groups', {
        name: name.trim(),
        ...(description.trim() ? { description: description.trim() } : {}),
      });
      navigate(href('characters', g.groupId));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={submit} aria-labelledby="create-title">
      <h3 id="create-title">New character</h3>
      <label for="character-name">Name</label>
      <input
        id="character-name"
        required
        maxLength={64}
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
        autoComplete="off"
      />
      <label for="character-description">Description (optional)</label>
      <input
        id="character-description"
        maxLength={200}
        value={description}
        onInput={(e) => setDescription(e.currentTarget.value)}
        autoComplete="off"
      />
      <button type="submit" disabled={busy || name.trim() === ''}>
        {busy ? 'Creating…' : 'Create character'}
      </button>
      <ErrorNote error={error} prefix="Not created" />
    </form>
  );
}

function CharacterRow({ group, onDeleted }: { group: GroupItem; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>();
  const remove = async () => {
    try {
      await api('DELETE', `/groups/${seg(group.groupId)}`);
      onDeleted();
    } catch (e) {
      setError(e);
      setConfirming(false);
    }
  };
  return (
    <li class="row">
      <div class="grow">
        <a href={href('characters', group.groupId)}>{group.name}</a>
        <div class="muted">
          <code>{group.groupId}</code> · {shortTime(group.createdAt)}
          {group.groupType === 'LivenessFace' ? ' · real person' : ''}
        </div>
        <ErrorNote error={error} prefix="Not deleted" />
      </div>
      {confirming ? (
        <span class="actions">
          <button type="button" class="danger" onClick={remove} aria-label={`Confirm deleting ${group.name}`}>
            Delete with its assets
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </span>
      ) : (
        <button type="button" onClick={() => setConfirming(true)} aria-label={`Delete ${group.name}`}>
          Delete
        </button>
      )}
    </li>
  );
}

/** Assets made elsewhere (e.g. a real-person asset from the vendor console) join the library by ID. */
function AdoptAsset() {
  const [assetId, setAssetId] = useState('');
  const [result, setResult] = useState<Asset | undefined>();
  const [error, setError] = useState<unknown>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await api<Asset>('POST', '/assets', { assetId: assetId.trim() }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="adopt-title">
      <h3 id="adopt-title">Adopt an asset</h3>
      <p class="muted">
        An asset made in the vendor's console (for example a real person's) joins by its ID.
      </p>
      <label for="adopt-id">Asset ID</label>
      <input
        id="adopt-id"
        placeholder="asset-..."
        value={assetId}
        onInput={(e) => setAssetId(e.currentTarget.value)}
        autoComplete="off"
      />
      <button type="submit" disabled={assetId.trim() === ''}>
        Adopt
      </button>
      <ErrorNote error={error} prefix="Not adopted" />
      {result ? (
        <p role="status">
          Adopted <code>{result.assetId}</code> ({result.status}) into{' '}
          {result.groupId ? <a href={href('characters', result.groupId)}>its character</a> : 'the library'}.
        </p>
      ) : null}
    </form>
  );
}
