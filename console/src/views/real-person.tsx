/**
 * A real-person character: POST /real-person/sessions gives a liveness link for the person's phone,
 * shown as a link and a QR code; GET /real-person/sessions/{id} is followed until it ends. An API
 * without these routes (they arrive with their own issue) answers "no such route", and the card says so.
 */
import QRCode from 'qrcode';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, pollWithBackoff, seg } from '../api';
import { href } from '../router';
import { features, useStore } from '../store';
import type { RealPersonSession as Session } from '../types';
import { Badge, ErrorNote } from '../ui';

const FINAL = ['passed', 'failed', 'expired'];

export function RealPersonSession() {
  const [name, setName] = useState('');
  const [session, setSession] = useState<Session | undefined>();
  const [qr, setQr] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [refusedRoute, setRefusedRoute] = useState(false);
  const known = useStore(features);
  const missing = refusedRoute || known.realPersonSessions === false;

  useEffect(() => {
    if (!session?.sessionId || FINAL.includes(session.status ?? '')) return;
    const ac = new AbortController();
    void pollWithBackoff(
      () => api<Session>('GET', `/real-person/sessions/${seg(session.sessionId)}`),
      (s) => setSession((prev) => ({ ...prev, ...s })),
      (s) => FINAL.includes(s.status ?? ''),
      ac.signal,
      (e) => {
        setError(e);
        return e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 429;
      },
    );
    return () => ac.abort();
  }, [session?.sessionId]);

  const start = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setQr(undefined);
    try {
      const s = await api<Session>('POST', '/real-person/sessions', name.trim() ? { name: name.trim() } : {});
      setSession({ status: 'pending', ...s });
      if (s.h5Link) setQr(await QRCode.toDataURL(s.h5Link, { margin: 1, width: 220 }));
    } catch (err) {
      if (err instanceof ApiError && err.routeMissing) setRefusedRoute(true);
      else setError(err);
    }
  };

  return (
    <form class="card" onSubmit={start} aria-labelledby="rp-title">
      <h3 id="rp-title">Real person</h3>
      <p class="muted">A liveness check on the person's phone makes a character of their real face.</p>
      <label for="rp-name">Name (optional)</label>
      <input id="rp-name" value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" />
      <button type="submit" disabled={missing}>
        Start a liveness session
      </button>
      {missing ? (
        <p class="notice" role="status">
          This API has no real-person sessions yet (POST /real-person/sessions is not a route of this
          deployment). Until it has, make the asset in the vendor's console and adopt it by ID.
        </p>
      ) : null}
      <ErrorNote error={error} prefix="Real-person session" />
      {session ? (
        <div class="session" aria-live="polite">
          <p>
            Session <code>{session.sessionId}</code> <Badge status={session.status ?? 'pending'} />
          </p>
          {session.h5Link ? (
            <p>
              Open on the person's phone:{' '}
              <a href={session.h5Link} target="_blank" rel="noreferrer noopener">
                liveness link
              </a>
              {session.expiresAt ? ` (until ${new Date(session.expiresAt).toLocaleTimeString()})` : ''}
            </p>
          ) : null}
          {qr ? (
            <img class="qr" src={qr} width={220} height={220} alt="QR code of the liveness link" />
          ) : null}
          {session.groupId ? (
            <p>
              <a href={href('characters', session.groupId)}>Open the new character</a>
            </p>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
