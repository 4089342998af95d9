/**
 * Video jobs: the list and one job's detail, both kept live by polling with backoff (the API has no
 * browser event stream; webhooks go to servers). Detail shows the upstream error and its hint, a cancel
 * button while the job can still stop, and the player and download link once the MP4 is saved.
 */
import { useEffect, useState } from 'preact/hooks';
import { hintFor } from '../../../functions/core/errors';
import { api, ApiError, pollWithBackoff, seg } from '../api';
import { href } from '../router';
import { features, useStore } from '../store';
import { TERMINAL_VIDEO_STATES, type Video, type VideoList } from '../types';
import { Badge, ErrorNote, PageHeading, shortTime } from '../ui';

const finished = (v: Video) => TERMINAL_VIDEO_STATES.includes(v.status);

export function statusText(v: Video): string {
  switch (v.status) {
    case 'queued':
      return v.queuePosition !== undefined ? `queued, position ${v.queuePosition}` : 'queued';
    case 'running':
      return 'generating';
    case 'saving':
      return 'saving the video to storage';
    case 'succeeded':
      return 'ready';
    case 'timed_out':
      return 'timed out';
    default:
      return v.status;
  }
}

export function JobsView() {
  const [jobs, setJobs] = useState<Video[] | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    const ac = new AbortController();
    void pollWithBackoff(
      () => api<VideoList>('GET', '/videos?pageSize=50'),
      (l) => {
        setJobs(l.items);
        setError(undefined);
      },
      (l) => l.items.every(finished),
      ac.signal,
      (e) => {
        setError(e);
        return false;
      },
    );
    return () => ac.abort();
  }, []);
  return (
    <section>
      <PageHeading>Video jobs</PageHeading>
      <PushNote />
      <ErrorNote error={error} prefix="Could not list the jobs" />
      {jobs?.length === 0 ? (
        <p>
          No jobs yet: <a href={href('compose')}>compose a video</a>.
        </p>
      ) : null}
      <ul class="list" aria-label="Video jobs">
        {jobs?.map((v) => (
          <li key={v.videoId} class="row">
            <div class="grow">
              <a href={href('jobs', v.videoId)}>
                <code>{v.videoId}</code>
              </a>
              <div class="muted">{shortTime(v.createdAt)}</div>
            </div>
            <Badge status={v.status} />
            <span class="status-text">{statusText(v)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function JobView({ videoId }: { videoId: string }) {
  const [job, setJob] = useState<Video | undefined>();
  const [error, setError] = useState<unknown>();
  const [cancelError, setCancelError] = useState<unknown>();
  const [cancelling, setCancelling] = useState(false);
  const [generation, setGeneration] = useState(0);
  const [duration, setDuration] = useState<number | undefined>();

  useEffect(() => {
    const ac = new AbortController();
    void pollWithBackoff(
      () => api<Video>('GET', `/videos/${seg(videoId)}`),
      (v) => {
        setJob(v);
        setError(undefined);
      },
      finished,
      ac.signal,
      (e) => {
        setError(e);
        return e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 429;
      },
    );
    return () => ac.abort();
  }, [videoId, generation]);

  const cancel = async () => {
    setCancelling(true);
    setCancelError(undefined);
    try {
      await api('DELETE', `/videos/${seg(videoId)}`);
      setGeneration((n) => n + 1);
    } catch (e) {
      setCancelError(e);
    } finally {
      setCancelling(false);
    }
  };

  return (
    <section>
      <p class="crumbs">
        <a href={href('jobs')}>Video jobs</a> ›
      </p>
      <PageHeading>
        Video <code>{videoId}</code>
      </PageHeading>
      <ErrorNote error={error} prefix="Could not load the job" />
      {job ? (
        <div class="card">
          <p class="job-status" role="status" aria-live="polite">
            <Badge status={job.status} /> {statusText(job)}
          </p>
          <dl class="facts">
            {job.model ? <Fact k="Model" v={job.model} /> : null}
            {job.resolution ? <Fact k="Resolution" v={job.resolution} /> : null}
            {job.ratio ? <Fact k="Ratio" v={job.ratio} /> : null}
            {job.duration !== undefined ? <Fact k="Duration" v={`${job.duration} s`} /> : null}
            {job.taskId ? <Fact k="Upstream task" v={job.taskId} /> : null}
            <Fact k="Created" v={shortTime(job.createdAt)} />
            {job.finishedAt ? <Fact k="Finished" v={shortTime(job.finishedAt)} /> : null}
          </dl>
          {job.error ? <ErrorNote error={jobError(job.error)} prefix="The job failed" /> : null}
          {!finished(job) ? (
            <button type="button" class="danger" onClick={cancel} disabled={cancelling}>
              {cancelling ? 'Cancelling…' : 'Cancel this job'}
            </button>
          ) : null}
          <ErrorNote error={cancelError} prefix="Not cancelled" />
          {job.status === 'succeeded' && job.videoUrl ? (
            <div class="result">
              <video
                controls
                preload="metadata"
                src={job.videoUrl}
                aria-label={`Generated video ${videoId}`}
                onLoadedMetadata={(e) => setDuration(e.currentTarget.duration)}
              />
              <p>
                <a class="button" href={job.videoUrl} download={`${videoId}.mp4`}>
                  Download MP4
                </a>
                {duration !== undefined && Number.isFinite(duration) ? (
                  <span class="muted"> {duration.toFixed(1)} s</span>
                ) : null}
                {job.linksExpireAt ? (
                  <span class="muted">
                    {' '}
                    · link valid until {new Date(job.linksExpireAt).toLocaleTimeString()}
                  </span>
                ) : null}
              </p>
              {job.lastFrameUrl ? (
                <img class="last-frame" src={job.lastFrameUrl} alt="Last frame of the video" />
              ) : null}
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

/**
 * The job's error with its hint: the API's own (`hint` or `details.hint`) when it sends one, else the
 * error catalogue's hint for the upstream code (functions/core/errors.ts, bundled like the rules).
 */
function jobError(e: NonNullable<Video['error']> & { hint?: string }): ApiError {
  const given = new ApiError(0, e.code, e.message, e.details);
  const hint = e.hint ?? given.hint ?? hintFor('ark', e.code, 0, e.message);
  return new ApiError(0, e.code, e.message, hint ? { hint } : e.details);
}

/** How the status stays live: polling here; webhooks (server to server) when the API has them. */
function PushNote() {
  const f = useStore(features);
  return (
    <p class="muted">
      Statuses refresh by polling with backoff.{' '}
      {f.webhooks === true
        ? 'This API also pushes events to registered webhooks (POST /webhooks) for your servers.'
        : f.webhooks === false
          ? 'This API has no webhooks yet, so polling is the only way to follow a job.'
          : ''}
    </p>
  );
}

function Fact({ k, v }: { k: string; v: string }) {
  return (
    <>
      <dt>{k}</dt>
      <dd>{v}</dd>
    </>
  );
}
