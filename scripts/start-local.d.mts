// Types for scripts/start-local.mjs (plain Node ESM so `npm start` needs no build), used by its tests.
export declare const ROOT: string;
export declare const DTS_CONTAINER: string;
export declare const DTS_IMAGE: string;
export declare const DTS_GRPC_PORT: number;
export declare const DTS_DASHBOARD_PORT: number;
export declare const AZURITE_PORTS: number[];
export declare const AZURITE_DIR: string;
export declare const AZURITE_PID_FILE: string;
export declare const MESSAGES: { funcMissing: string; dockerMissing: string; dockerNotRunning: string };
export interface Problem {
  tool: 'func' | 'docker';
  message: string;
}
export declare function checkPrereqs(deps: {
  which: (cmd: string) => string | null;
  dockerRunning?: () => boolean;
}): { ok: boolean; problems: Problem[] };
export declare function whichOnPath(
  cmd: string,
  env?: NodeJS.ProcessEnv,
  platform?: NodeJS.Platform,
): string | null;
export declare function dockerDaemonRunning(): boolean;
export declare function portOpen(port: number, host?: string, timeoutMs?: number): Promise<boolean>;
export declare function waitForPorts(ports: number[], what: string, timeoutMs?: number): Promise<void>;
export declare function readLocalSettings(file?: string): Record<string, string>;
export declare function emulatorDashboardUrl(hub: string): string;
export declare function ensureAzurite(): Promise<import('node:child_process').ChildProcess | undefined>;
