/**
 * The credentials the local API checks SigV4 against when LOCAL_ACCESS_KEY_ID / LOCAL_SECRET_ACCESS_KEY
 * are not set. Public on purpose (printed by `npm start`, used by the CLI against the local stack):
 * they open nothing but a loopback server. Kept with the CLI, the client that needs them; the local
 * stack reads them from here (the CLI never imports local/).
 */
export interface DevCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export const LOCAL_DEV_CREDENTIALS: Readonly<DevCredentials> = Object.freeze({
  accessKeyId: 'AKIALOCALDEVELOPMENT',
  secretAccessKey: 'local-dev-secret-access-key-not-for-aws',
});

export function devCredentialsFromEnv(env: Record<string, string | undefined> = process.env): DevCredentials {
  const accessKeyId = env.LOCAL_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.LOCAL_SECRET_ACCESS_KEY?.trim();
  if (!accessKeyId && !secretAccessKey) return { ...LOCAL_DEV_CREDENTIALS };
  if (!accessKeyId || !secretAccessKey)
    throw new Error('Set both LOCAL_ACCESS_KEY_ID and LOCAL_SECRET_ACCESS_KEY, or neither');
  return { accessKeyId, secretAccessKey };
}
