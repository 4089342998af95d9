/** What every command needs: the streams, the environment, the client for the chosen API, output helpers. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { ApiClient } from './api-client';
import { createApiClient, resolveConnection } from './connection';
import type { OutStream } from './progress';

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  env: Record<string, string | undefined>;
  /** Replaced in tests; the real one otherwise. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export interface GlobalOptions {
  api?: string;
  region?: string;
  profile?: string;
  local?: boolean;
  json?: boolean;
}

export class CliContext {
  constructor(readonly io: CliIo) {}

  globals(cmd: Command): GlobalOptions {
    return cmd.optsWithGlobals<GlobalOptions>();
  }

  client(cmd: Command): ApiClient {
    const g = this.globals(cmd);
    return createApiClient(
      resolveConnection({ api: g.api, region: g.region, profile: g.profile, local: g.local }, this.io.env),
      this.io.fetch ? { fetch: this.io.fetch } : {},
    );
  }

  json(cmd: Command): boolean {
    return this.globals(cmd).json === true;
  }

  /** Prints the result: JSON for scripts, the human rendering otherwise. */
  result(cmd: Command, value: unknown, human: () => string): void {
    if (this.json(cmd)) this.io.stdout.write(`${JSON.stringify(value ?? null, null, 2)}\n`);
    else {
      const text = human();
      if (text) this.io.stdout.write(`${text}\n`);
    }
  }

  /** Where progress goes: stderr for people, nowhere with --json (stdout stays one JSON document). */
  progress(cmd: Command): OutStream | undefined {
    return this.json(cmd) ? undefined : this.io.stderr;
  }

  note(cmd: Command, line: string): void {
    this.progress(cmd)?.write(`${line}\n`);
  }
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

export function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be an integer');
  return n;
}

/** Seconds on the command line, milliseconds inside. */
export function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number of seconds');
  return Math.round(n * 1000);
}
