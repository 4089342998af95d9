/**
 * Scrubs what must never reach a log line or an error body: presigned URL query strings, bearer
 * tokens, Volcengine/AWS signatures and any registered secret value. Used by the logger and by the
 * REST error mapper, so one function decides what is sensitive.
 */

const registered = new Set<string>();

/** Adds values (secret keys, tokens) that must be masked wherever they appear. Short strings are ignored. */
export function registerSecret(...values: Array<string | undefined>): void {
  for (const v of values) if (v && v.length >= 6) registered.add(v);
}

const URL_WITH_QUERY = /\b(https?:\/\/[^\s"'<>?]+)\?[^\s"'<>]*/gi;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const SIGNATURE = /\b(Signature=)[0-9a-fA-F]+/g;
const CREDENTIAL = /\b(Credential=)[^,\s/]+/g;

export function redactString(s: string): string {
  let out = s.replace(URL_WITH_QUERY, '$1?[redacted]').replace(BEARER, '$1[redacted]');
  out = out.replace(SIGNATURE, '$1[redacted]').replace(CREDENTIAL, '$1[redacted]');
  for (const secret of registered) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  return out;
}

const SENSITIVE_KEYS =
  /^(authorization|x-amz-security-token|x-security-token|secretaccesskey|sessiontoken|apitoken|token|password|secret|url|videourl|lastframeurl|presignedurl|sourceurl)$/i;

/** Deep copy with sensitive keys masked and every string scrubbed. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[depth]';
  if (typeof value === 'string') return redactString(value);
  if (value instanceof Error) {
    const plain: Record<string, unknown> = { name: value.name, message: redactString(value.message) };
    for (const [k, v] of Object.entries(value))
      plain[k] = SENSITIVE_KEYS.test(k) ? '[redacted]' : redact(v, depth + 1);
    return plain;
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        SENSITIVE_KEYS.test(k) && typeof v === 'string' && !/^asset:\/\//.test(v)
          ? '[redacted]'
          : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}
