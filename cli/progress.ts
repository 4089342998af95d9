/**
 * Progress for people while the CLI waits. On a terminal one line is rewritten in place with the
 * status and a ticking elapsed time; elsewhere (pipes, CI logs) a line is written per status change,
 * so logs stay readable and carry no control characters.
 */
import { formatElapsed } from './format';

export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export class LiveStatus {
  private readonly startedAt: number;
  private status: string | undefined;
  private detail = '';
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly out: OutStream | undefined,
    private readonly label: string,
    private readonly now: () => number = Date.now,
    private readonly tickMs = 1000,
  ) {
    this.startedAt = now();
  }

  get elapsedMs(): number {
    return this.now() - this.startedAt;
  }

  update(status: string, detail = ''): void {
    const changed = status !== this.status || detail !== this.detail;
    this.status = status;
    this.detail = detail;
    if (!this.out) return;
    if (this.out.isTTY) {
      this.render();
      if (!this.timer) {
        this.timer = setInterval(() => this.render(), this.tickMs);
        this.timer.unref();
      }
    } else if (changed) {
      this.out.write(`${this.text()}\n`);
    }
  }

  /** Stops the ticking; on a terminal leaves the last state on its own line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.out?.isTTY && this.status !== undefined) {
      this.render();
      this.out.write('\n');
    }
  }

  private text(): string {
    const parts = [this.label, this.status ?? '', formatElapsed(this.elapsedMs)];
    if (this.detail) parts.push(this.detail);
    return parts.join('  ');
  }

  private render(): void {
    this.out?.write(`\r\x1b[2K${this.text()}`);
  }
}
