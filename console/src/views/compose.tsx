/**
 * Compose: pick a character and its images, write the prompt with "Image N" placeholders, choose the
 * options the model allows, and see the API's own rules checked on every keystroke before submitting.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, seg } from '../api';
import { checkRequest, DURATIONS, optionAllowed, VIDEO_RATIOS, VIDEO_RESOLUTIONS } from '../rules';
import { href, navigate } from '../router';
import { fileNames, previews } from '../store';
import type { Asset, GroupItem, PageResult, Video } from '../types';
import { ErrorNote, PageHeading } from '../ui';

export interface ConsoleInfo {
  mode: 'local' | 'remote';
  api: string;
  defaultModel: string;
  models: string[];
}

export function ComposeView({
  info,
  initialGroup,
}: {
  info: ConsoleInfo | undefined;
  initialGroup?: string;
}) {
  const [groups, setGroups] = useState<GroupItem[]>([]);
  const [groupId, setGroupId] = useState(initialGroup ?? '');
  const [assets, setAssets] = useState<Asset[]>([]);
  const [picked, setPicked] = useState<string[]>([]);
  const [prompt, setPrompt] = useState('');
  const [model, setModel] = useState('');
  const [ratio, setRatio] = useState('adaptive');
  const [resolution, setResolution] = useState('720p');
  const [duration, setDuration] = useState(5);
  const [audio, setAudio] = useState(true);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const promptRef = useRef<HTMLTextAreaElement>(null);
  const effectiveModel = model || info?.defaultModel || '';

  useEffect(() => {
    api<PageResult<GroupItem>>('GET', '/groups?pageSize=100').then((p) => setGroups(p.items), setError);
  }, []);
  useEffect(() => {
    if (info && !model) setModel(info.defaultModel);
  }, [info]);
  useEffect(() => {
    setPicked([]);
    if (!groupId) return setAssets([]);
    api<PageResult<Asset>>('GET', `/groups/${seg(groupId)}/assets?status=active&pageSize=100`).then(
      (p) => setAssets(p.items),
      setError,
    );
  }, [groupId]);

  const allowedResolutions = useMemo(
    () => VIDEO_RESOLUTIONS.filter((r) => optionAllowed(effectiveModel, { resolution: r })),
    [effectiveModel],
  );
  useEffect(() => {
    if (effectiveModel && !allowedResolutions.includes(resolution as (typeof VIDEO_RESOLUTIONS)[number]))
      setResolution(allowedResolutions.includes('720p') ? '720p' : (allowedResolutions[0] ?? '720p'));
  }, [allowedResolutions]);

  const body = {
    prompt,
    ...(picked.length > 0 ? { references: picked.map((assetId) => ({ assetId })) } : {}),
    ...(effectiveModel ? { model: effectiveModel } : {}),
    ratio,
    resolution,
    duration,
    generateAudio: audio,
  };
  const check = checkRequest(body, effectiveModel);

  const insert = (text: string) => {
    const el = promptRef.current;
    const start = el?.selectionStart ?? prompt.length;
    const end = el?.selectionEnd ?? prompt.length;
    const before = prompt.slice(0, start);
    const spacer = before === '' || before.endsWith(' ') ? '' : ' ';
    const next = `${before}${spacer}${text} ${prompt.slice(end)}`;
    setPrompt(next);
    requestAnimationFrame(() => {
      const at = before.length + spacer.length + text.length + 1;
      el?.focus();
      el?.setSelectionRange(at, at);
    });
  };

  const toggle = (assetId: string) =>
    setPicked((p) => (p.includes(assetId) ? p.filter((x) => x !== assetId) : [...p, assetId]));

  const useWholeCharacter = () => {
    const ids = assets.map((a) => a.assetId).slice(0, 9);
    setPicked(ids);
    if (!/\bImage \d/.test(prompt)) insert(ids.map((_, i) => `Image ${i + 1}`).join(', '));
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!check.ok) return;
    setBusy(true);
    setError(undefined);
    try {
      const v = await api<Video>('POST', '/videos', check.body, { 'idempotency-key': crypto.randomUUID() });
      navigate(href('jobs', v.videoId));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <section>
      <PageHeading>Compose a video</PageHeading>
      <form class="compose" onSubmit={submit}>
        <div class="card">
          <label for="compose-group">Character</label>
          <select id="compose-group" value={groupId} onChange={(e) => setGroupId(e.currentTarget.value)}>
            <option value="">— none (text only) —</option>
            {groups.map((g) => (
              <option key={g.groupId} value={g.groupId}>
                {g.name}
              </option>
            ))}
          </select>
          {groupId && assets.length === 0 ? (
            <p class="muted">This character has no active images yet.</p>
          ) : null}
          {assets.length > 0 ? (
            <>
              <fieldset>
                <legend>Reference images (in the order picked)</legend>
                <ul class="grid pick" aria-label="Images of the character">
                  {assets.map((a) => {
                    const n = picked.indexOf(a.assetId) + 1;
                    const preview = previews.get(a.assetId);
                    return (
                      <li key={a.assetId} class={`tile${n ? ' picked' : ''}`}>
                        <label>
                          <input type="checkbox" checked={n > 0} onChange={() => toggle(a.assetId)} />
                          {preview ? (
                            <img src={preview} alt="" />
                          ) : (
                            <div class="placeholder" aria-hidden="true" />
                          )}
                          <span class="name">{fileNames.get(a.assetId) ?? (a.name || a.assetId)}</span>
                          {n ? <span class="badge">Image {n}</span> : null}
                        </label>
                        {n ? (
                          <button type="button" class="small" onClick={() => insert(`Image ${n}`)}>
                            Insert “Image {n}”
                          </button>
                        ) : null}
                      </li>
                    );
                  })}
                </ul>
              </fieldset>
              <button type="button" onClick={useWholeCharacter}>
                Use the whole character
              </button>
            </>
          ) : null}
        </div>
        <div class="card">
          <label for="compose-prompt">Prompt</label>
          <textarea
            id="compose-prompt"
            ref={promptRef}
            rows={5}
            maxLength={5000}
            value={prompt}
            aria-describedby="rule-check"
            aria-invalid={!check.ok && prompt !== ''}
            onInput={(e) => setPrompt(e.currentTarget.value)}
            placeholder="Image 1 waves at the camera"
          />
          <p id="rule-check" class={check.ok ? 'ok' : 'problem'} role="status" aria-live="polite">
            {check.ok ? '✓ The request follows the rules.' : `✗ ${check.message}`}
            {!check.ok && check.code !== 'ValidationError' ? <code> {check.code}</code> : null}
          </p>
          <div class="options">
            <div class="wide">
              <label for="compose-model">Model</label>
              <select
                id="compose-model"
                value={effectiveModel}
                onChange={(e) => setModel(e.currentTarget.value)}
              >
                {(info?.models ?? []).map((m) => (
                  <option key={m} value={m}>
                    {m}
                    {m === info?.defaultModel ? ' (stack default)' : ''}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="compose-ratio">Ratio</label>
              <select id="compose-ratio" value={ratio} onChange={(e) => setRatio(e.currentTarget.value)}>
                {VIDEO_RATIOS.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="compose-resolution">Resolution</label>
              <select
                id="compose-resolution"
                value={resolution}
                onChange={(e) => setResolution(e.currentTarget.value)}
              >
                {VIDEO_RESOLUTIONS.map((r) => (
                  <option key={r} value={r} disabled={!allowedResolutions.includes(r)}>
                    {r}
                    {allowedResolutions.includes(r) ? '' : ' (not on this model)'}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="compose-duration">Duration</label>
              <select
                id="compose-duration"
                value={String(duration)}
                onChange={(e) => setDuration(Number(e.currentTarget.value))}
              >
                {DURATIONS.map((d) => (
                  <option key={d} value={String(d)}>
                    {d === -1 ? 'model chooses' : `${d} s`}
                  </option>
                ))}
              </select>
            </div>
            <label class="check">
              <input type="checkbox" checked={audio} onChange={(e) => setAudio(e.currentTarget.checked)} />
              Generate audio
            </label>
          </div>
          <button type="submit" class="primary" disabled={!check.ok || busy}>
            {busy ? 'Submitting…' : 'Generate video'}
          </button>
          <ErrorNote error={error} prefix="Not started" />
          {groupId ? (
            <p class="muted">
              <a href={href('characters', groupId)}>Back to the character</a>
            </p>
          ) : null}
        </div>
      </form>
    </section>
  );
}
