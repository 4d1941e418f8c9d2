// `npm run stop`: stops what `npm start` started — the DTS emulator container and, if it outlived
// `npm start` (e.g. after a crash), the Azurite process recorded in .data/azurite.pid. The emulator keeps
// its state in memory only, so removing the container loses nothing that stopping would keep.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { AZURITE_PID_FILE, DTS_CONTAINER, whichOnPath } from './start-local.mjs';

if (whichOnPath('docker')) {
  const rm = spawnSync('docker', ['rm', '-f', DTS_CONTAINER], { encoding: 'utf8' });
  const why = rm.stderr.trim().split('\n')[0];
  console.log(
    rm.status === 0
      ? `• DTS emulator: removed container ${DTS_CONTAINER}`
      : `• DTS emulator: nothing removed (${why})`,
  );
} else {
  console.log('• DTS emulator: docker is not on PATH; nothing to stop.');
}

if (existsSync(AZURITE_PID_FILE)) {
  const pid = Number(readFileSync(AZURITE_PID_FILE, 'utf8').trim());
  try {
    // A stale pid file could name a reused pid: on Linux, only kill it if it still is Azurite.
    const cmdline = `/proc/${pid}/cmdline`;
    if (existsSync('/proc') && (!existsSync(cmdline) || !readFileSync(cmdline, 'utf8').includes('azurite')))
      throw new Error('not azurite');
    if (Number.isInteger(pid) && pid > 0) process.kill(pid);
    console.log(`• Azurite: stopped process ${pid}`);
  } catch {
    console.log(`• Azurite: process ${pid} was not running`);
  }
  rmSync(AZURITE_PID_FILE, { force: true });
} else {
  console.log('• Azurite: not started by npm start (no .data/azurite.pid); nothing to stop.');
}
