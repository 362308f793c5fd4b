import { DockerfileParser } from 'dockerfile-ast';
import { READERS } from '../../src/config/configuration.js';
import { readEnvFile, readRepoFile, readYaml, readYamlDocuments } from '../support/repo-files.js';

/**
 * Variables that deployments set although this build's configuration readers do not read them yet: issue 9 (one HTTP
 * pipeline) adds them. Remove each from here once `READERS` reads it.
 */
/** Variables read by the runtime rather than by the service's configuration. */
const RUNTIME = new Set([
  // Node itself (the heap limit).
  'NODE_OPTIONS',
  // The production switch of npm and of the Node ecosystem, set in the image by convention.
  'NODE_ENV',
]);

/** The variables the service reads: its configuration readers run against an environment that records each read. */
function variablesTheServiceReads(): Set<string> {
  const seen = new Set<string>();
  const recorder = new Proxy<Record<string, string | undefined>>(
    {},
    {
      get(_target, name) {
        if (typeof name === 'string') seen.add(name);
        return undefined;
      },
    },
  );
  for (const read of READERS) read(recorder);
  return seen;
}

interface Container {
  env?: { name: string }[];
  envFrom?: { configMapRef?: { name: string } }[];
}

/** Every variable a deployment sets, with where it is set. */
function variablesTheDeploymentsSet(): [string, string][] {
  const set: [string, string][] = [];
  const compose = readYaml<{ services: Record<string, { environment?: Record<string, string> }> }>(
    'docker-compose.yml',
  );
  for (const name of Object.keys(compose.services.app.environment ?? {})) set.push([name, 'docker-compose.yml app']);
  for (const name of readEnvFile('.env.example').keys()) set.push([name, '.env.example']);
  const [configMap] = readYamlDocuments('deploy/k8s/configmap.yaml') as { data: Record<string, string> }[];
  for (const name of Object.keys(configMap.data)) set.push([name, 'deploy/k8s/configmap.yaml']);
  const [deployment] = readYamlDocuments('deploy/k8s/deployment.yaml') as {
    spec: { template: { spec: { containers: Container[] } } };
  }[];
  for (const container of deployment.spec.template.spec.containers) {
    for (const { name } of container.env ?? []) set.push([name, 'deploy/k8s/deployment.yaml']);
  }
  const dockerfile = DockerfileParser.parse(readRepoFile('Dockerfile'));
  for (const env of dockerfile.getENVs()) {
    for (const property of env.getProperties()) set.push([property.getName(), 'Dockerfile']);
  }
  return set;
}

/** The variables set that nothing reads (a typo, or a setting that does not exist). */
function unread(set: [string, string][], read: Set<string>): string[] {
  return set.filter(([name]) => !read.has(name) && !RUNTIME.has(name)).map(([name, where]) => `${name} (${where})`);
}

describe('environment variables of the deployments', () => {
  const read = variablesTheServiceReads();

  it('records what the configuration readers read', () => {
    for (const name of ['PORT', 'TRUST_PROXY', 'CACHE_STORE', 'MEMCACHED_SERVERS', 'SHUTDOWN_TIMEOUT_MS']) {
      expect(read).toContain(name);
    }
  });

  it('sets only variables that the service (or Node) reads', () => {
    const set = variablesTheDeploymentsSet();
    expect(set.length).toBeGreaterThan(20);
    expect(unread(set, read)).toEqual([]);
  });

  it('reports a misspelt variable', () => {
    expect(unread([['CACHE_STOR', 'docker-compose.yml app']], read)).toEqual(['CACHE_STOR (docker-compose.yml app)']);
  });

  it('sets the same service settings in docker-compose.yml and in the Kubernetes ConfigMap', () => {
    const compose = readYaml<{ services: { app: { environment: Record<string, string> } } }>('docker-compose.yml');
    const [configMap] = readYamlDocuments('deploy/k8s/configmap.yaml') as { data: Record<string, string> }[];
    // Addresses differ by platform; everything else is one configuration.
    const platformSpecific = new Set(['MEMCACHED_SERVERS', 'TRUST_PROXY']);
    const shared = (env: Record<string, string>) =>
      Object.fromEntries(Object.entries(env).filter(([name]) => !platformSpecific.has(name)));
    expect(shared(compose.services.app.environment)).toEqual(shared(configMap.data));
  });
});
