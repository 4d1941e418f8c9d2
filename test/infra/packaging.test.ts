import ignore from 'ignore';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { listFiles, read, readJson } from './support';

// `ignore` implements .gitignore matching, which is what azd applies to .funcignore.
const funcignore = ignore().add(read('.funcignore'));
const excluded = (file: string) => funcignore.ignores(file);

interface AzureYaml {
  name: string;
  services: Record<string, { project: string; language: string; host: string; remoteBuild?: boolean }>;
}
const azureYaml = parse(read('azure.yaml')) as AzureYaml;
const api = azureYaml.services.api!;

describe('azure.yaml', () => {
  it('deploys this directory as the TypeScript function app "api"', () => {
    expect(azureYaml.name).toBe('durable-fraud-agents');
    expect(Object.keys(azureYaml.services)).toEqual(['api']);
    expect(api).toMatchObject({ project: '.', language: 'ts', host: 'function' });
  });

  it('agrees with .funcignore on remote build (true needs node_modules excluded, false needs it shipped)', () => {
    const nodeModulesExcluded = excluded('node_modules/durable-functions/package.json');
    if (api.remoteBuild === true) expect(nodeModulesExcluded).toBe(true);
    if (api.remoteBuild === false) expect(nodeModulesExcluded).toBe(false);
    expect(api.remoteBuild).toBe(true);
  });

  it('the service name matches the azd-service-name tag on the function app', () => {
    expect(read('infra/app/api.bicep')).toContain(`'azd-service-name': 'api'`);
  });
});

describe('.funcignore (the deployment package)', () => {
  it('never ships the offline host, in source or compiled form', () => {
    for (const f of [
      'scripts/offline-host/cli.ts',
      'scripts/offline-host/types.ts',
      'dist/scripts/offline-host/cli.js',
    ])
      expect(excluded(f), f).toBe(true);
    for (const f of listFiles('scripts')) expect(excluded(f), f).toBe(true);
  });

  it('leaves out tests, infra, docs, local state and local settings', () => {
    for (const f of [
      'test/infra/packaging.test.ts',
      'dist/test/unit/x.test.js',
      'infra/main.bicep',
      'docs/azure.md',
      '.data/azurite/__azurite_db_blob__.json',
      '.azure/dev/.env',
      'local.settings.json',
      'local.settings.user.json',
      'dist/src/index.js.map',
    ])
      expect(excluded(f), f).toBe(true);
  });

  it('keeps what the remote build compiles and what the host loads', () => {
    const main = readJson<{ main: string }>('package.json').main;
    expect(main).toMatch(/^dist\/src\//);
    for (const f of [
      main,
      'host.json',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'src/index.ts',
      'src/config.ts',
      'src/web/index.html',
    ])
      expect(excluded(f), f).toBe(false);
  });

  it('the remote build compiles only src/, so excluding scripts/ cannot break it', () => {
    const build = readJson<{ include: string[] }>('tsconfig.build.json');
    expect(build.include).toEqual(['src']);
    expect(readJson<{ scripts: Record<string, string> }>('package.json').scripts.build).toContain(
      'tsconfig.build.json',
    );
  });

  it('src/ never imports the offline host (DESIGN.md), so leaving it out is safe', () => {
    const offenders = listFiles('src').filter((f) => /offline-host/.test(read(f)));
    expect(offenders).toEqual([]);
  });

  it('ships only reviewed top-level entries of the repository', () => {
    const shipped = new Set(
      listFiles()
        .filter((f) => !excluded(f))
        .map((f) => f.split('/')[0]!),
    );
    const reviewed = new Set([
      'src',
      'dist',
      'host.json',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      '.funcignore',
      'README.md',
      'LICENSE',
    ]);
    expect([...shipped].filter((e) => !reviewed.has(e))).toEqual([]);
  });
});
