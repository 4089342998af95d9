/**
 * What every video step needs, built once per Lambda process: the config, the video client (its token
 * read from the cached secret on each call) and the logger tagged with the video ID.
 */
import type { VideoClient } from '../core/ark';
import { loadConfig, type Config } from '../core/config';
import { videoClient } from './clients';
import { stepRunner, type StepRunner } from './run-step';

interface StepRuntime {
  config: Config;
  video: VideoClient;
}

let runtime: StepRuntime | undefined;

export function stepRuntime(): StepRuntime {
  if (!runtime) {
    const config = loadConfig();
    runtime = {
      config,
      video: videoClient(config),
    };
  }
  return runtime;
}

/** Tests that change the environment between cases rebuild the runtime. */
export function resetStepRuntime(): void {
  runtime = undefined;
}

/** Runs a step body with the video ID on every log line (see `stepRunner`). */
export const runStep: StepRunner = stepRunner('videoId');
