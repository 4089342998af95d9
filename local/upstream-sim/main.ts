/**
 * `npm run sim -- --port 4010`: runs the simulator alone and prints where it listens and which
 * credentials it accepts. Demo credentials are printed in full (they are public and work nowhere else);
 * credentials taken from the environment are shown masked, since they may be someone's real ones.
 */
import { CommanderError } from 'commander';
import { parseSimArgs } from './cli-options';
import { SIM_DEFAULT_CREDENTIALS, startSimulator } from './index';

function shown(value: string, demo: string): string {
  return value === demo ? value : `${value.slice(0, 4)}… (from environment)`;
}

async function main(): Promise<void> {
  const opts = parseSimArgs(process.argv.slice(2));
  const sim = await startSimulator(opts);
  const o = sim.control.options();
  const c = o.credentials;
  const lines = [
    `upstream-sim listening on ${sim.url} (ready ${Math.round(performance.now())} ms after process start)`,
    `  VOLC_ENDPOINT=${sim.url}          (Volcengine OpenAPI, region ${o.region}, service ark)`,
    `  SEEDANCE_API_BASE=${sim.url}/seedance   (task API; also served without /seedance)`,
    `  VOLC_ACCESS_KEY_ID=${c.accessKeyId}`,
    `  VOLC_SECRET_ACCESS_KEY=${shown(c.secretAccessKey, SIM_DEFAULT_CREDENTIALS.secretAccessKey)}`,
    `  SEEDANCE_API_TOKEN=${shown(c.apiToken, SIM_DEFAULT_CREDENTIALS.apiToken)}`,
    `  timeScale=${o.timeScale} seed=${o.seed} tokenProject=${o.tokenProject} control=${sim.url}/_sim/health`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  process.stderr.write(`upstream-sim: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
