/** Small shared pieces: the page heading that takes focus on navigation, error notes, status badges. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { describeError } from './api';

let firstView = true;

/**
 * Each view's h2 takes focus when the user navigates to it, so keyboard and screen-reader users land
 * on the new content; the first view of a page load leaves focus at the top (skip link first).
 */
export function PageHeading({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (firstView) firstView = false;
    else ref.current?.focus();
  }, []);
  return (
    <h2 ref={ref} tabIndex={-1}>
      {children}
    </h2>
  );
}

export function ErrorNote({ error, prefix }: { error: unknown; prefix?: string }) {
  if (error === undefined || error === null) return null;
  const e = describeError(error);
  return (
    <div class="error" role="alert">
      <p>
        {prefix ? `${prefix}: ` : ''}
        {e.message} <code>{e.code}</code>
      </p>
      {e.hint ? <p class="hint">Hint: {e.hint}</p> : null}
    </div>
  );
}

export function Badge({ status }: { status: string }) {
  return <span class={`badge badge-${status.replace(/[^a-z_]/gi, '')}`}>{status.replace(/_/g, ' ')}</span>;
}

export const shortTime = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : '');
