import { readdirSync } from 'node:fs';
import ts from 'typescript';
import { Deployment, StatefulSet, type IDeployment, type IStatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler, type IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget, type IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service, type IConfigMap, type ISecret, type IService } from 'kubernetes-models/v1';
import { readYaml, readYamlDocuments, repoPath } from '../support/repo-files.js';

/** The model (and its validator, generated from the Kubernetes OpenAPI schemas) of each kind the manifests use. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
};

/** The TypeScript interface of each kind: its object types are closed, so a misspelt field is an error there. */
const TYPES: Record<string, string> = {
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
  'apps/v1/StatefulSet': 'kubernetes-models/apps/v1/StatefulSet',
  'autoscaling/v2/HorizontalPodAutoscaler': 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
  'policy/v1/PodDisruptionBudget': 'kubernetes-models/policy/v1/PodDisruptionBudget',
  'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'v1/Secret': 'kubernetes-models/v1/Secret',
  'v1/Service': 'kubernetes-models/v1/Service',
};

/**
 * The API server drops fields it does not know (and the JSON schemas allow them), so a misspelt `readinessProbe`
 * would deploy without a probe. Type-checking each manifest as an object literal of its kind's interface reports
 * every unknown field (TypeScript's excess-property check), like kubeconform's strict mode.
 */
function unknownFieldErrors(documents: Manifest[]): string[] {
  const fileName = repoPath('test/deploy/manifests.generated.ts');
  const source = documents
    .map(({ document }, index) => {
      const key = `${document.apiVersion}/${document.kind}`;
      return `export const m${index}: import('${TYPES[key]}').I${document.kind} = ${JSON.stringify(document)};`;
    })
    .join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, ...rest) =>
    name === fileName ? ts.createSourceFile(name, source, version) : getSourceFile.call(host, name, version, ...rest);
  host.fileExists = (name) => name === fileName || fileExists.call(host, name);
  host.readFile = (name) => (name === fileName ? source : readFile.call(host, name));
  const program = ts.createProgram([fileName], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const line = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line ?? 0;
    return `${documents[line]?.file}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
  });
}

const MANIFEST_FILES = readdirSync(repoPath('deploy/k8s'))
  .filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml')
  .sort((a, b) => a.localeCompare(b));

/** What every manifest has; each test reads one through its kind's interface. */
interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string };
}

interface Manifest {
  file: string;
  document: KubernetesObject;
}

const manifests: Manifest[] = MANIFEST_FILES.flatMap((file) =>
  readYamlDocuments(`deploy/k8s/${file}`).map((document) => ({
    file,
    document: document as unknown as KubernetesObject,
  })),
);

function find<T>(kind: string, name: string): T {
  const found = manifests.find(({ document }) => document.kind === kind && document.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/k8s`);
  return found.document as T;
}

const deployment = find<IDeployment>('Deployment', 'link-preview');
const pod = deployment.spec!.template.spec!;
const app = pod.containers[0];
const configMap = find<IConfigMap>('ConfigMap', 'link-preview');
const settings = configMap.data!;

/** A Kubernetes memory quantity (Mi, Gi, M, G or plain bytes) in MiB. */
function mebibytes(quantity: string): number {
  const match = /^(\d+)(Mi|Gi|M|G)?$/.exec(quantity);
  if (!match) throw new Error(`unsupported memory quantity ${quantity}`);
  const factor = { Mi: 1, Gi: 1024, M: 1e6 / 2 ** 20, G: 1e9 / 2 ** 20 }[match[2] ?? ''] ?? 1 / 2 ** 20;
  return Number(match[1]) * factor;
}

describe('Kubernetes manifests (deploy/k8s)', () => {
  it.each(manifests.map(({ file, document }) => [`${file}: ${document.kind} ${document.metadata?.name}`, document]))(
    'validates against the Kubernetes schema: %s',
    (_name, document: KubernetesObject) => {
      const Model = MODELS[`${document.apiVersion}/${document.kind}`];
      expect(Model).toBeDefined();
      expect(() => new Model(document as never).validate()).not.toThrow();
    },
  );

  it('uses no field that its kind does not define', () => {
    expect(unknownFieldErrors(manifests)).toEqual([]);
  });

  it('reports a misspelt field (the strict check works)', () => {
    const misspelt = structuredClone(deployment);
    const container = misspelt.spec!.template.spec!.containers[0];
    Object.assign(container, { readinesProbe: container.readinessProbe });
    const errors = unknownFieldErrors([{ file: 'deployment.yaml', document: misspelt }]);
    expect(errors).toEqual([
      `deployment.yaml: Object literal may only specify known properties, and '"readinesProbe"' does not exist in type 'IContainer'.`,
    ]);
  });

  it('lists every manifest except the Secret example in kustomization.yaml', () => {
    const kustomization = readYaml<{ resources: string[] }>('deploy/k8s/kustomization.yaml');
    expect([...kustomization.resources].sort((a, b) => a.localeCompare(b))).toEqual(
      MANIFEST_FILES.filter((file) => file !== 'secret.example.yaml'),
    );
  });

  it('probes readiness on /health/ready and liveness on /health/live', () => {
    expect(app.ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
    expect(app.readinessProbe!.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(app.livenessProbe!.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(app.startupProbe!.httpGet).toEqual({ path: '/health/live', port: 'http' });
  });

  it('sizes terminationGracePeriodSeconds from the preStop sleep and the shutdown budget, with a margin', () => {
    const command = app.lifecycle!.preStop!.exec!.command!;
    expect(command[0]).toBe('sleep');
    const preStopSeconds = Number(command[1]);
    const budgetSeconds = (Number(settings.SHUTDOWN_DELAY_MS) + Number(settings.SHUTDOWN_TIMEOUT_MS)) / 1000;
    expect({ preStopSeconds, budgetSeconds }).toEqual({ preStopSeconds: 5, budgetSeconds: 20 });
    expect(pod.terminationGracePeriodSeconds! - preStopSeconds - budgetSeconds).toBeGreaterThanOrEqual(5);
  });

  it('runs as a non-root user on a read-only root filesystem, with an emptyDir for /tmp', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 });
    expect(app.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(app.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
  });

  it('has resource requests and a memory limit, and a V8 heap limit of 75% of it', () => {
    const { requests, limits } = app.resources!;
    expect(requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    const limitMiB = mebibytes(String(limits!.memory));
    const nodeOptions = app.env!.find((entry) => entry.name === 'NODE_OPTIONS');
    expect(nodeOptions).toEqual({ name: 'NODE_OPTIONS', value: `--max-old-space-size=${Math.floor(limitMiB * 0.75)}` });
    expect(mebibytes(String(requests!.memory))).toBeLessThanOrEqual(limitMiB);
  });

  it('reads API_KEYS from a Secret, whose example holds no real key', () => {
    const apiKeys = app.env!.find((entry) => entry.name === 'API_KEYS');
    expect(apiKeys).toEqual({
      name: 'API_KEYS',
      valueFrom: { secretKeyRef: { name: 'link-preview-api-keys', key: 'API_KEYS' } },
    });
    const example = find<ISecret>('Secret', 'link-preview-api-keys');
    expect(example.stringData!.API_KEYS).toBe('replace-with-a-client-key:client,replace-with-an-admin-key:admin');
    expect(settings.API_KEYS).toBeUndefined();
    expect(app.envFrom).toEqual([{ configMapRef: { name: 'link-preview' } }]);
  });

  it('selects the Deployment pods from the Service, the autoscaler and the disruption budget', () => {
    const spec = deployment.spec!;
    const labels = spec.template.metadata!.labels;
    expect(spec.selector.matchLabels).toEqual(labels);
    expect(find<IService>('Service', 'link-preview').spec).toMatchObject({
      selector: labels,
      ports: [{ targetPort: 'http' }],
    });
    expect(find<IPodDisruptionBudget>('PodDisruptionBudget', 'link-preview').spec).toEqual({
      minAvailable: 1,
      selector: { matchLabels: labels },
    });
    const hpa = find<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler', 'link-preview').spec;
    expect(hpa?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'link-preview' });
    expect(hpa?.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa?.maxReplicas).toBeGreaterThan(hpa?.minReplicas ?? 0);
    expect(spec.replicas).toBeUndefined();
  });

  it('feeds MEMCACHED_SERVERS the headless Service of the memcached StatefulSet, whose name resolves to every pod', () => {
    const statefulSet = find<IStatefulSet>('StatefulSet', 'memcached').spec!;
    const headless = find<IService>('Service', 'memcached');
    expect(headless.spec!.clusterIP).toBe('None');
    expect(statefulSet.serviceName).toBe(headless.metadata!.name);
    expect(headless.spec!.selector).toEqual(statefulSet.template.metadata!.labels);
    const port = headless.spec!.ports![0].port;
    expect(statefulSet.replicas).toBeGreaterThanOrEqual(2);
    expect(settings.CACHE_STORE).toBe('memcached');
    expect(settings.MEMCACHED_SERVERS).toBe(`${headless.metadata!.name}:${port}`);
  });
});
