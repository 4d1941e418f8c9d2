/**
 * Node 22 marks its built-in SQLite (node:sqlite) experimental and prints an ExperimentalWarning the
 * first time it is loaded. The offline host and the case-record store rely on it on purpose (no native
 * build, WAL, transactions), so the launchers drop that one warning and keep every other one. Import
 * this module before anything that loads node:sqlite.
 */
const printers = process.listeners('warning');
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name === 'ExperimentalWarning' && /SQLite/i.test(warning.message)) return;
  for (const print of printers) print(warning);
});

export {};
