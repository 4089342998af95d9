/** Everything one simulator instance holds, and the SimControl view tests and benchmarks use. */
import { AssetLibrary } from './volc/asset-library';
import { TaskStore } from './ark/task-store';
import { Counters } from './counters';
import { resolveOptions } from './defaults';
import { FaultInjector } from './faults';
import { MediaLinks } from './media';
import { SeededRandom } from './random';
import { ActionRateLimiter, RollingMinuteLimiter } from './rate-limit';
import type { FaultRule, ResolvedSimOptions, SimControl, SimOptions, TaskOutcome } from './types';

export class SimState implements SimControl {
  opts: ResolvedSimOptions;
  rng: SeededRandom;
  /** The listening URL, set once the server is bound. */
  listenUrl = '';
  readonly counterStore = new Counters();
  readonly faults: FaultInjector;
  readonly limiter: ActionRateLimiter;
  readonly taskRpm: RollingMinuteLimiter;
  readonly links: MediaLinks;
  readonly library: AssetLibrary;
  readonly taskStore: TaskStore;
  private assetFailure: string | null;
  private taskOutcome: TaskOutcome | null = null;

  constructor(options: SimOptions) {
    this.opts = resolveOptions(options);
    this.rng = new SeededRandom(this.opts.seed);
    this.faults = new FaultInjector(() => this.rng);
    if (options.faults) this.faults.set(options.faults);
    this.assetFailure = options.assetFailure ?? null;
    this.limiter = new ActionRateLimiter(this.opts.rateLimits);
    this.taskRpm = new RollingMinuteLimiter(this.opts.taskRpm);
    this.links = new MediaLinks(() => this.baseUrl());
    this.library = new AssetLibrary({
      rng: this.rng,
      options: () => this.opts,
      links: this.links,
      forcedFailure: () => this.assetFailure,
    });
    this.taskStore = new TaskStore({
      rng: this.rng,
      options: () => this.opts,
      links: this.links,
      forcedOutcome: () => this.taskOutcome,
    });
  }

  baseUrl(): string {
    return this.opts.publicUrl ?? this.listenUrl;
  }

  // ---- SimControl ----

  counters() {
    return this.counterStore.snapshot();
  }

  faultCounts() {
    return this.counterStore.faultSnapshot();
  }

  resetCounters(): void {
    this.counterStore.reset();
  }

  setFaults(rules: FaultRule[]): void {
    this.faults.set(rules);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  update(p: Partial<SimOptions>): void {
    const { port: _port, host: _host, faults, assetFailure, ...rest } = p;
    this.opts = resolveOptions(rest, this.opts);
    if (rest.seed !== undefined) this.rng.reseed(rest.seed);
    if (rest.rateLimits !== undefined) this.limiter.setLimits(this.opts.rateLimits);
    if (rest.taskRpm !== undefined) this.taskRpm.setRpm(this.opts.taskRpm);
    if (faults !== undefined) this.faults.set(faults);
    if (assetFailure !== undefined) this.assetFailure = assetFailure;
  }

  forceAssetFailure(code: string | null): void {
    this.assetFailure = code;
  }

  forceTaskOutcome(o: TaskOutcome | null): void {
    if (o !== null && o.status !== 'failed' && o.status !== 'expired')
      throw new TypeError('forced task outcome status must be failed or expired');
    this.taskOutcome = o;
  }

  assets() {
    return this.library.snapshotAssets();
  }

  groups() {
    return this.library.snapshotGroups();
  }

  tasks() {
    return this.taskStore.snapshot();
  }

  options(): ResolvedSimOptions {
    return structuredClone(this.opts);
  }

  /** What the control endpoint reports about forced outcomes. */
  forced(): { assetFailure: string | null; taskOutcome: TaskOutcome | null } {
    return { assetFailure: this.assetFailure, taskOutcome: this.taskOutcome };
  }

  async close(): Promise<void> {
    this.taskStore.close();
    await this.library.close();
  }
}
