/**
 * Task tokens of `.waitForTaskToken` Task states run locally: the runner parks the state on a token,
 * the local Step Functions endpoint's SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat settle it.
 * One registry per process, because the runner and the endpoint share the process (local/start.ts).
 * Errors are the names AWS answers with, so the callers' handling is the same as in the cloud.
 */
import { randomBytes } from 'node:crypto';

export class TaskTokenError extends Error {
  constructor(name: 'InvalidToken' | 'TaskTimedOut' | 'TaskDoesNotExist', message: string) {
    super(message);
    this.name = name;
  }
}

/** What a waiting state ends with when it is not woken: Step Functions' own error names. */
export class WaitTimeoutError extends Error {
  constructor(kind: 'timeout' | 'heartbeat') {
    super(kind === 'timeout' ? 'The task timed out waiting for its token' : 'No heartbeat in time');
    this.name = kind === 'timeout' ? 'States.Timeout' : 'States.HeartbeatTimeout';
  }
}

/** The failure SendTaskFailure gives the waiting state (its `error` is the state error). */
export class SentTaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

interface Waiting {
  resolve(output: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
  heartbeatMs: number | undefined;
  heartbeatTimer: NodeJS.Timeout | undefined;
}

const TOKEN = /^[A-Za-z0-9_-]{32,1024}$/;

export class TaskTokens {
  private readonly waiting = new Map<string, Waiting>();

  newToken(): string {
    return randomBytes(32).toString('base64url');
  }

  /** Parks until the token is settled, or `timeoutMs` (and `heartbeatMs` between heartbeats) pass. */
  wait(token: string, timeoutMs: number, heartbeatMs?: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const end = (e: Error) => {
        this.drop(token);
        reject(e);
      };
      const w: Waiting = {
        resolve,
        reject,
        timer: setTimeout(() => end(new WaitTimeoutError('timeout')), timeoutMs).unref(),
        heartbeatMs,
        heartbeatTimer: undefined,
      };
      this.waiting.set(token, w);
      this.armHeartbeat(token, w);
    });
  }

  succeed(token: string, output: unknown): void {
    const w = this.take(token);
    w.resolve(output);
  }

  fail(token: string, error: string, cause: string): void {
    const w = this.take(token);
    w.reject(new SentTaskFailure(error, cause));
  }

  heartbeat(token: string): void {
    const w = this.find(token);
    this.armHeartbeat(token, w);
  }

  /** Forgets a token whose state ended another way (its function failed). */
  release(token: string): void {
    this.drop(token);
  }

  /** Tokens currently parked (tests). */
  get size(): number {
    return this.waiting.size;
  }

  private armHeartbeat(token: string, w: Waiting): void {
    if (w.heartbeatTimer) clearTimeout(w.heartbeatTimer);
    if (w.heartbeatMs === undefined) return;
    w.heartbeatTimer = setTimeout(() => {
      this.drop(token);
      w.reject(new WaitTimeoutError('heartbeat'));
    }, w.heartbeatMs).unref();
  }

  private find(token: string): Waiting {
    if (!TOKEN.test(token)) throw new TaskTokenError('InvalidToken', 'Invalid Token');
    const w = this.waiting.get(token);
    // A well-formed token nobody waits on any more has timed out or was already answered: AWS says
    // TaskTimedOut for both.
    if (!w) throw new TaskTokenError('TaskTimedOut', 'Task Timed Out');
    return w;
  }

  private take(token: string): Waiting {
    const w = this.find(token);
    this.drop(token);
    return w;
  }

  private drop(token: string): void {
    const w = this.waiting.get(token);
    if (!w) return;
    clearTimeout(w.timer);
    if (w.heartbeatTimer) clearTimeout(w.heartbeatTimer);
    this.waiting.delete(token);
  }
}

export const taskTokens = new TaskTokens();
