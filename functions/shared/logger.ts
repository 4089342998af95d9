/**
 * Structured JSON logs, one line per event, with the request ID, passed through `redact` so no secret,
 * token, signature or presigned URL is ever written. Small on purpose: Powertools' Logger would add
 * cold-start weight for the three things we need (level, context keys, JSON).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { redact } from '../core/redact';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogSink = (line: string) => void;

interface Scope {
  keys: Record<string, unknown>;
}

const envLevel = (): Level => {
  const v = process.env.LOG_LEVEL;
  return v === 'debug' || v === 'info' || v === 'warn' || v === 'error' ? v : 'info';
};

export class Logger {
  private readonly root: Scope = { keys: {} };
  private readonly scopes = new AsyncLocalStorage<Scope>();
  constructor(
    private readonly service: string,
    /** Unset: LOG_LEVEL is read at each line, so a level set after import (tests, local stack) applies. */
    private level?: Level,
    private sink: LogSink = (line) => process.stdout.write(line + '\n'),
  ) {}

  /** Keys added to every following line (request ID, execution name); replaces the previous set. */
  setContext(keys: Record<string, unknown>): void {
    this.scope.keys = { ...keys };
  }
  appendKeys(keys: Record<string, unknown>): void {
    Object.assign(this.scope.keys, keys);
  }

  /**
   * Runs `fn` with context keys of its own. Lambda serves one invocation per process at a time, so it
   * never needs this; the local stack runs many handlers in one process and wraps each invocation, so
   * concurrent steps do not write each other's `step`/`uploadId` keys.
   */
  isolate<T>(fn: () => T): T {
    return this.scopes.run({ keys: {} }, fn);
  }

  private get scope(): Scope {
    return this.scopes.getStore() ?? this.root;
  }
  setSink(sink: LogSink): void {
    this.sink = sink;
  }
  setLevel(level: Level): void {
    this.level = level;
  }

  debug(message: string, extra?: Record<string, unknown>): void {
    this.write('debug', message, extra);
  }
  info(message: string, extra?: Record<string, unknown>): void {
    this.write('info', message, extra);
  }
  warn(message: string, extra?: Record<string, unknown>): void {
    this.write('warn', message, extra);
  }
  error(message: string, extra?: Record<string, unknown>): void {
    this.write('error', message, extra);
  }

  private write(level: Level, message: string, extra?: Record<string, unknown>): void {
    const threshold = this.level ?? envLevel();
    if (ORDER[level] < ORDER[threshold]) return;
    const entry = {
      level,
      time: new Date().toISOString(),
      service: this.service,
      message,
      ...this.scope.keys,
      ...extra,
    };
    this.sink(JSON.stringify(redact(entry)));
  }
}

/** One logger per process, as Lambda has one handler per process; the service name comes from the function. */
export const logger = new Logger(
  process.env.POWERTOOLS_SERVICE_NAME ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'seedance',
);
