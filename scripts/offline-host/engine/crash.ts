/**
 * Crash points for crash tests: `OFFLINE_HOST_CRASH_AT` lists points (comma-separated) at which the
 * process SIGKILLs itself, e.g. `after-activity:sendEmail` (an activity finished, its result not yet
 * committed), `mid-entity-batch` or `mid-entity-batch:counter` (a batch ran, its state not yet
 * committed), `before-episode-commit:<orchestration>`. A point fires once per process.
 */
export type CrashHandler = (point: string, detail: string) => void;

export function crashPointsFromEnv(env: NodeJS.ProcessEnv = process.env): CrashHandler | undefined {
  const spec = env.OFFLINE_HOST_CRASH_AT?.trim();
  if (!spec) return undefined;
  const points = spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return (point, detail) => {
    const hit = points.some((p) => p === point || p === `${point}:${detail}`);
    if (hit) process.kill(process.pid, 'SIGKILL');
  };
}
