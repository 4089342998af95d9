/**
 * Structured JSON logs, one line per event, written by Powertools for AWS Lambda's Logger and passed
 * through `redact` so no secret, token, signature or presigned URL is ever written. This module keeps
 * the project's small interface over it (level, context keys, `isolate`, a sink for tests) and the line
 * shape every reader of our logs already uses: `level` (lower case), `time`, `service`, `message`, the
 * context keys, then the line's own keys; Powertools adds the X-Ray trace ID and, under `addContext`,
 * the Lambda request ID and cold-start flag.
 *
 * Context keys live here, in an AsyncLocalStorage scope, not in Powertools' temporary keys: Powertools
 * scopes those per invocation only under Lambda's multi-concurrency, and the local stack runs many
 * handlers in one process at once (`isolate`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { LogFormatter, LogItem, Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import type { Context } from 'aws-lambda';
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

/** Our line shape from Powertools' attributes; absent values are dropped by Powertools before printing. */
class ProjectLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const ctx = attributes.lambdaContext;
    return new LogItem({
      attributes: {
        level: attributes.logLevel.toLowerCase(),
        time: attributes.timestamp.toISOString(),
        service: attributes.serviceName,
        message: attributes.message,
        xrayTraceId: attributes.xRayTraceId,
        ...(ctx ? { awsRequestId: ctx.awsRequestId, coldStart: ctx.coldStart } : {}),
      },
    }).addAttributes(additional);
  }
}

/** Powertools' Logger with its output redacted and sent to our sink (stdout unless a test swaps it). */
class RedactingLogger extends PowertoolsLogger {
  constructor(
    serviceName: string,
    private readonly out: () => LogSink,
  ) {
    // Powertools prints everything it is given: the threshold is applied by our Logger, per line.
    super({ serviceName, logLevel: 'DEBUG', logFormatter: new ProjectLogFormatter() });
  }

  protected override printLog(_level: number, log: LogItem): void {
    log.prepareForPrint();
    this.out()(JSON.stringify(redact(log.getAttributes())));
  }
}

export class Logger {
  private readonly root: Scope = { keys: {} };
  private readonly scopes = new AsyncLocalStorage<Scope>();
  private readonly powertools: RedactingLogger;

  constructor(
    service: string,
    /** Unset: LOG_LEVEL is read at each line, so a level set after import (tests, local stack) applies. */
    private level?: Level,
    private sink: LogSink = (line) => process.stdout.write(line + '\n'),
  ) {
    this.powertools = new RedactingLogger(service, () => this.sink);
  }

  /** Keys added to every following line (request ID, execution name); replaces the previous set. */
  setContext(keys: Record<string, unknown>): void {
    this.scope.keys = { ...keys };
  }
  appendKeys(keys: Record<string, unknown>): void {
    Object.assign(this.scope.keys, keys);
  }

  /** The Lambda context of this invocation (request ID, cold start) on every following line. */
  addLambdaContext(context: Context): void {
    this.powertools.addContext(context);
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
    if (this.enabled('debug')) this.powertools.debug(message, this.attributes(extra));
  }
  info(message: string, extra?: Record<string, unknown>): void {
    if (this.enabled('info')) this.powertools.info(message, this.attributes(extra));
  }
  warn(message: string, extra?: Record<string, unknown>): void {
    if (this.enabled('warn')) this.powertools.warn(message, this.attributes(extra));
  }
  error(message: string, extra?: Record<string, unknown>): void {
    if (this.enabled('error')) this.powertools.error(message, this.attributes(extra));
  }

  private enabled(level: Level): boolean {
    return ORDER[level] >= ORDER[this.level ?? envLevel()];
  }

  /** Context keys, then the line's own; errors go through `redact` whole (name, message, own fields, no stack). */
  private attributes(extra?: Record<string, unknown>): LogAttributes {
    return redact({ ...this.scope.keys, ...extra }) as LogAttributes;
  }
}

/** One logger per process, as Lambda has one handler per process; the service name comes from the function. */
export const logger = new Logger(
  process.env.POWERTOOLS_SERVICE_NAME ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'seedance',
);
