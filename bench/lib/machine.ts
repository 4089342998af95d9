import { cpus, freemem, loadavg, release, totalmem, type as osType } from 'node:os';

export interface Machine {
  cpus: string;
  memory: string;
  node: string;
  os: string;
  loadAverage: string;
}

/** The machine the figures come from; load average shows how shared it was when the run started. */
export function describeMachine(): Machine {
  const list = cpus();
  const model = list[0]?.model.trim() ?? 'unknown';
  const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GiB`;
  return {
    cpus: `${list.length} × ${model}`,
    memory: `${gib(totalmem())} total, ${gib(freemem())} free at start`,
    node: process.version,
    os: `${osType()} ${release()} (${process.arch})`,
    loadAverage: loadavg()
      .map((l) => l.toFixed(2))
      .join(' / '),
  };
}
