import { existsSync } from 'node:fs';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { readRepoFile, readYaml, repoPath } from '../support/repo-files.js';

const WORKFLOW = '.github/workflows/ci.yml';

/** What these tests read of jest.config.js (plain JavaScript, so loaded untyped). */
interface JestSettings {
  coverageReporters: string[];
  coverageDirectory: string;
  collectCoverageFrom: string[];
}
const { default: jestConfig } = (await import(repoPath('jest.config.js'))) as { default: JestSettings };

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { strategy: { matrix: { node: number[] } }; env: Record<string, string>; steps: Step[] }>;
}

/** GitHub's own workflow parser and schema (the one its language services use): every problem it finds. */
async function workflowErrors(content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name: WORKFLOW, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((error) => error.message);
  if (parsed.value === undefined) return errors;
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return [...errors, ...(template.errors ?? []).map((error) => error.Message)];
}

/** The Debian packages a shell script installs with apt-get (its continuation lines included). */
function aptPackages(script: string): string[] {
  const command = /apt-get install((?:[^\n\\]|\\\n)*)/.exec(script)?.[1] ?? '';
  return command
    .replaceAll('\\\n', ' ')
    .split(/\s+/)
    .filter((word) => /^[a-z0-9][a-z0-9.+-]+$/.test(word));
}

/** `key=value` lines of a .properties file. */
function properties(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
      .map((line) => {
        const at = line.indexOf('=');
        return [line.slice(0, at).trim(), line.slice(at + 1).trim()];
      }),
  );
}

describe('.github/workflows/ci.yml', () => {
  const content = readRepoFile(WORKFLOW);
  const workflow = readYaml<Workflow>(WORKFLOW);
  const job = workflow.jobs.test;
  const runs = job.steps.map((step) => step.run ?? '').join('\n');

  it("passes GitHub's workflow schema", async () => {
    expect(await workflowErrors(content)).toEqual([]);
  });

  it('the schema check reports a misspelt key', async () => {
    expect(await workflowErrors(content.replace('runs-on:', 'runs_on:'))).toEqual(
      expect.arrayContaining([expect.stringContaining("Unexpected value 'runs_on'")]),
    );
  });

  it('runs on pushes to main and on pull requests, on Node 20, 22 and 24', () => {
    expect(workflow.on).toEqual({ push: { branches: ['main'] }, pull_request: null });
    expect(job.strategy.matrix.node).toEqual([20, 22, 24]);
    const setupNode = job.steps.find((step) => step.uses?.startsWith('actions/setup-node@'));
    expect(setupNode?.with).toEqual({ 'node-version': '${{ matrix.node }}', cache: 'npm' });
  });

  it('installs what the tests need with the same script as .ci/run, and that script names every component', () => {
    expect(runs).toContain('scripts/install-test-deps.sh');
    expect(readRepoFile('.ci/run')).toContain('scripts/install-test-deps.sh');
    expect(aptPackages(runs)).toEqual([]);
    const packages = /^PACKAGES="([^"]+)"$/m.exec(readRepoFile('scripts/install-test-deps.sh'))?.[1].split(' ');
    expect(packages).toEqual(expect.arrayContaining(['memcached', 'nginx', 'chromium', 'iproute2', 'util-linux']));
  });

  it('installs, lints, type-checks, then tests with coverage inside a loopback-only namespace', () => {
    const order = [
      'scripts/install-test-deps.sh',
      'npm run lint',
      'npm run typecheck',
      'npm run build',
      "unshare -n sh -c 'ip link set lo up && scripts/install-test-deps.sh && npm test'",
    ];
    const positions = order.map((command) => runs.indexOf(command));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(readRepoFile('package.json')).toContain(
      '"test": "npm run build && node --experimental-vm-modules node_modules/jest/bin/jest.js --coverage"',
    );
  });

  it('scans with SonarQube only when the token secret is set', () => {
    const scan = job.steps.find((step) => step.uses?.startsWith('SonarSource/sonarqube-scan-action@'));
    expect(job.env.SONAR_TOKEN).toBe('${{ secrets.SONAR_TOKEN }}');
    expect(scan?.if).toBe("${{ matrix.node == 24 && env.SONAR_TOKEN != '' }}");
    expect(scan?.env?.SONAR_TOKEN).toBe('${{ secrets.SONAR_TOKEN }}');
  });
});

describe('sonar-project.properties', () => {
  const sonar = properties(readRepoFile('sonar-project.properties'));

  it('points at existing sources, tests and tsconfig, and the lcov report jest writes', () => {
    for (const key of ['sonar.sources', 'sonar.tests', 'sonar.typescript.tsconfigPaths']) {
      for (const path of sonar[key].split(','))
        expect([key, path, existsSync(repoPath(path))]).toEqual([key, path, true]);
    }
    expect(jestConfig.coverageReporters).toContain('lcov');
    expect(sonar['sonar.javascript.lcov.reportPaths']).toBe(`${jestConfig.coverageDirectory}/lcov.info`);
  });

  it('counts specs as tests, not sources, and leaves out of coverage what jest leaves out', () => {
    expect(sonar['sonar.exclusions']).toBe('src/**/*.spec.ts');
    expect(sonar['sonar.test.inclusions']).toBe('src/**/*.spec.ts,test/**/*.ts');
    const notCovered = jestConfig.collectCoverageFrom.filter(
      (glob) => glob.startsWith('!') && !glob.endsWith('.spec.ts'),
    );
    expect(sonar['sonar.coverage.exclusions'].split(',')).toEqual(notCovered.map((glob) => glob.slice(1)));
  });

  it('carries the package version', () => {
    const { version } = JSON.parse(readRepoFile('package.json')) as { version: string };
    expect(sonar['sonar.projectVersion']).toBe(version);
  });
});
