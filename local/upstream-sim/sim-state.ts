/** Everything one simulator instance holds, and the SimControl view tests and benchmarks use. */
import { AssetLibrary } from './volc/asset-library';
import { VisualValidateStore } from './volc/visual-validate';
import { TaskStore } from './ark/task-store';
import { Counters, RateStats } from './counters';
import { resolveOptions, TIER_CREATE_ASSET_PER_MINUTE } from './defaults';
import { FaultInjector } from './faults';
import { MediaLinks } from './media';
import { SeededRandom } from './random';
import { ActionRateLimiter, SlidingWindowLimiter } from './rate-limit';
import type { FaultRule, ResolvedSimOptions, SimControl, SimOptions, TaskOutcome } from './types';

export class SimState implements SimControl {
  opts: ResolvedSimOptions;
  rng: SeededRandom;
  /** The listening URL, set once the server is bound. */
  listenUrl = '';
  readonly counterStore = new Counters();
  readonly faults: FaultInjector;
  /** Volcengine per-action QPS. */
  readonly limiter: ActionRateLimiter;
  /** CreateAsset per sliding minute, by tier. */
  readonly assetMinute: SlidingWindowLimiter;
  /** Task reads (GetTask, ListTasks, DeleteTask) QPS. */
  readonly taskLimiter: ActionRateLimiter;
  readonly taskRpm: SlidingWindowLimiter;
  /** 4k creates: 15 per minute (UPSTREAM.md §2). */
  readonly task4kRpm: SlidingWindowLimiter;
  readonly rateStatStore: RateStats;
  readonly links: MediaLinks;
  readonly library: AssetLibrary;
  readonly taskStore: TaskStore;
  /** Real-person liveness sessions (CreateVisualValidateSession / GetVisualValidateResult). */
  readonly visual: VisualValidateStore;
  private assetFailure: string | null;
  private taskOutcome: TaskOutcome | null = null;

  constructor(options: SimOptions) {
    this.opts = resolveOptions(options);
    this.rng = new SeededRandom(this.opts.seed);
    this.faults = new FaultInjector(() => this.rng);
    if (options.faults) this.faults.set(options.faults);
    this.assetFailure = options.assetFailure ?? null;
    const scale = () => this.opts.timeScale;
    const minute = () => 60_000 * this.opts.timeScale;
    this.limiter = new ActionRateLimiter(this.opts.rateLimits, scale);
    this.assetMinute = new SlidingWindowLimiter(() => TIER_CREATE_ASSET_PER_MINUTE[this.opts.tier], minute);
    this.taskLimiter = new ActionRateLimiter(this.opts.taskRateLimits, scale);
    this.taskRpm = new SlidingWindowLimiter(() => this.opts.taskRpm, minute);
    this.task4kRpm = new SlidingWindowLimiter(() => 15, minute);
    this.rateStatStore = new RateStats(minute);
    this.links = new MediaLinks(() => this.baseUrl());
    this.library = new AssetLibrary({
      rng: this.rng,
      options: () => this.opts,
      links: this.links,
      forcedFailure: () => this.assetFailure,
    });
    this.visual = new VisualValidateStore({
      baseUrl: () => this.baseUrl(),
      timeScale: () => this.opts.timeScale,
      createLivenessGroup: (project) => this.library.createLivenessFaceGroup(project),
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

  rateStats() {
    return this.rateStatStore.snapshot();
  }

  resetCounters(): void {
    this.counterStore.reset();
    this.rateStatStore.reset();
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
    if (rest.taskRateLimits !== undefined) this.taskLimiter.setLimits(this.opts.taskRateLimits);
    // A new tier, scale or quota starts from an empty window, like a fresh minute upstream.
    if (rest.tier !== undefined || rest.timeScale !== undefined) this.assetMinute.reset();
    if (rest.taskRpm !== undefined || rest.taskAccount !== undefined || rest.timeScale !== undefined)
      this.taskRpm.reset();
    if (faults !== undefined) this.faults.set(faults);
    if (rest.taskSlots !== undefined || rest.taskAccount !== undefined || rest.callbacks !== undefined)
      this.taskStore.rescheduled();
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

  taskTimeline() {
    return this.taskStore.timeline();
  }

  taskRequests() {
    return this.taskStore.requests();
  }

  usage() {
    return this.taskStore.usage();
  }

  visualValidateSessions() {
    return this.visual.snapshot();
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
