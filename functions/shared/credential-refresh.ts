/**
 * Where a forced credentials refresh goes. functions/shared/credentials.ts registers its cache's clear
 * here when a handler loads it; apiHandler's refresh middleware calls `refreshCredentials()` after
 * upstream rejects our credentials. The indirection keeps the Secrets Manager client and the Parameters
 * provider out of the bundles of routes that never read a secret (state-table reads, webhook lists):
 * such a handler has no cached credentials to drop, and nothing is registered.
 */
const clears = new Set<() => void>();

export function onCredentialsRefresh(clear: () => void): void {
  clears.add(clear);
}

export function refreshCredentials(): void {
  for (const clear of clears) clear();
}
