/**
 * deploy/kubernetes rendered offline with `kubectl kustomize`, every object validated against the
 * Kubernetes API's JSON schemas (kubernetes-models ships them), the shape the issue asks for checked,
 * and the coordinator's and workers' command lines parsed by volley's own CLI parser. The Dockerfile is
 * checked for what the manifests rely on.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';
import { FLAG_OPTIONS_SPECS } from '../../src/cli/option-spec.ts';
import { parseCliArgs } from '../../src/cli/parse-args.ts';
import { FLAG_OPTIONS } from '../../src/cli/run-command.ts';
import { checkCombinations, flagOptions } from '../../src/cli/settings.ts';
import { parseWorkerArgs } from '../../src/cli/worker-command.ts';
import { tcpClusterSettings } from '../../src/cluster/run-tcp-cluster.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Why these tests cannot run here, or false. kubectl has kustomize built in from 1.14, `patches` from 1.21. */
function kubectlMissing(): string | false {
  const r = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return 'kubectl is not installed (.ci/run installs it as root)';
  const kustomize = /Kustomize Version: v(\d+)/.exec(r.stdout)?.[1];
  if (kustomize !== undefined && Number(kustomize) < 4)
    return `kubectl's kustomize v${kustomize} is older than v4`;
  return false;
}
const skip = kubectlMissing();

// biome-ignore lint/suspicious/noExplicitAny: rendered YAML, walked by the assertions that check its shape
type Yaml = any;

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string }; [key: string]: unknown };

// biome-ignore lint/suspicious/noExplicitAny: the models' constructors take their own object types
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Pod': Pod,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};

function render(dir: string): K8sObject[] {
  const yaml = execFileSync('kubectl', ['kustomize', `${ROOT}deploy/kubernetes/${dir}`], {
    encoding: 'utf8',
  });
  return parseAllDocuments(yaml).map((doc) => doc.toJS() as K8sObject);
}

function validate(objects: K8sObject[]): void {
  for (const object of objects) {
    const Model = MODELS[`${object.apiVersion}/${object.kind}`];
    assert.ok(Model, `no schema for ${object.apiVersion} ${object.kind}`);
    assert.doesNotThrow(() => new Model(object).validate(), `${object.kind} ${object.metadata.name}`);
  }
}

function find(objects: K8sObject[], kind: string, name: string): Yaml {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind} ${name}`);
  return found;
}

/** The container's command line, and its environment as the pod would see it (secrets stood in for). */
function container(job: Yaml): { args: string[]; env: NodeJS.ProcessEnv } {
  const c = job.spec.template.spec.containers[0];
  const env: NodeJS.ProcessEnv = {};
  for (const e of c.env ?? []) env[e.name] = e.value ?? `<secret ${e.valueFrom?.secretKeyRef?.name}>`;
  return { args: c.args as string[], env };
}

/** Checks a rendering and returns its worker count. */
function checkCluster(objects: K8sObject[]): number {
  validate(objects);
  const coordinator = find(objects, 'Job', 'volley-coordinator');
  const workers = find(objects, 'Job', 'volley-worker');
  for (const job of [coordinator, workers]) {
    assert.equal(job.spec.backoffLimit, 0);
    assert.equal(job.spec.template.spec.restartPolicy, 'Never');
    assert.equal(job.spec.template.spec.securityContext.runAsNonRoot, true);
    const token = job.spec.template.spec.containers[0].env.find(
      (e: Yaml) => e.name === 'VOLLEY_CLUSTER_TOKEN',
    );
    assert.deepEqual(token.valueFrom.secretKeyRef, { name: 'volley-cluster-token', key: 'token' });
  }
  assert.equal(workers.spec.completionMode, 'Indexed');
  assert.equal(workers.spec.parallelism, workers.spec.completions);
  assert.equal(workers.spec.template.spec.topologySpreadConstraints[0].topologyKey, 'kubernetes.io/hostname');

  // The coordinator's command, through volley run's own parser and the coordinator's own checks.
  const run = container(coordinator);
  assert.equal(run.args[0], 'run');
  const { values } = parseCliArgs(run.args.slice(1), FLAG_OPTIONS, 'volley run');
  const flags = flagOptions(values, FLAG_OPTIONS_SPECS);
  const settings = { ...flags, clusterToken: run.env.VOLLEY_CLUSTER_TOKEN };
  checkCombinations(settings, { processes: 1, recording: false });
  const expectWorkers = settings.expectWorkers ?? 1;
  const cluster = tcpClusterSettings(settings, { master: settings.master as string, expectWorkers });
  assert.equal(expectWorkers, workers.spec.completions, '--expect-workers = the worker Job completions');

  // Each worker's, through volley worker's, with the index an Indexed Job gives it.
  const worker = container(workers);
  assert.equal(worker.args[0], 'worker');
  for (let index = 0; index < workers.spec.completions; index += 1) {
    const parsed = parseWorkerArgs(worker.args.slice(1), {
      ...worker.env,
      JOB_COMPLETION_INDEX: String(index),
    });
    assert.ok(parsed);
    assert.equal(parsed.index, index);
    assert.ok(parsed.connectSec >= 300, 'workers wait minutes for the coordinator (image pulls)');
    assert.equal(parsed.token, worker.env.VOLLEY_CLUSTER_TOKEN);
    // They reach the coordinator through its Service, on the port it listens on.
    const service = find(objects, 'Service', parsed.host);
    const port = service.spec.ports.find((p: Yaml) => p.port === parsed.port);
    assert.ok(port, `Service ${parsed.host} has port ${parsed.port}`);
    assert.equal(cluster.address.port, parsed.port);
    assert.deepEqual(service.spec.selector, coordinator.spec.template.metadata.labels);
  }

  // Only workers reach the coordinator's cluster port.
  const policy = find(objects, 'NetworkPolicy', 'volley-coordinator');
  assert.deepEqual(policy.spec.podSelector.matchLabels, coordinator.spec.template.metadata.labels);
  const clusterRule = policy.spec.ingress.find((r: Yaml) =>
    r.ports.some((p: Yaml) => p.port === cluster.address.port),
  );
  assert.deepEqual(clusterRule.from, [
    { podSelector: { matchLabels: workers.spec.template.metadata.labels } },
  ]);
  const budget = find(objects, 'PodDisruptionBudget', 'volley');
  assert.equal(budget.spec.maxUnavailable, 0);
  // Reports outlive the coordinator's pod.
  const volumes = coordinator.spec.template.spec.volumes;
  const reports = volumes.find((v: Yaml) => v.persistentVolumeClaim);
  find(objects, 'PersistentVolumeClaim', reports.persistentVolumeClaim.claimName);
  assert.ok(typeof settings.jsonFile === 'string' && settings.jsonFile.startsWith('/reports/'));
  // The generated scenario ConfigMap is the one mounted (kustomize renamed it with its hash).
  const scenario = volumes.find((v: Yaml) => v.configMap);
  find(objects, 'ConfigMap', scenario.configMap.name);
  return workers.spec.completions as number;
}

test('the kustomize base renders to valid objects: coordinator Job and Service, worker Indexed Job, budget, policy', {
  skip,
}, () => {
  const objects = render('base');
  assert.equal(checkCluster(objects), 2);
  const coordinator = find(objects, 'Job', 'volley-coordinator');
  assert.equal(container(coordinator).args[1], '/scenario/scenario.ts');
});

test('the platform overlay runs examples/platform from the image with three workers in its namespace', {
  skip,
}, () => {
  const objects = render('overlays/platform');
  assert.equal(checkCluster(objects), 3);
  for (const o of objects) assert.equal((o.metadata as { namespace?: string }).namespace, 'load-test');
  const run = container(find(objects, 'Job', 'volley-coordinator'));
  assert.equal(run.args[1], '/app/examples/platform/scenario.ts');
  assert.ok(existsSync(`${ROOT}examples/platform/scenario.ts`));
  const worker = parseWorkerArgs(container(find(objects, 'Job', 'volley-worker')).args.slice(1), {});
  assert.equal(worker?.scenario, '/app/examples/platform/scenario.ts');
});

test('the reports pod renders to a valid Pod on the reports volume', { skip }, () => {
  const objects = render('tools');
  validate(objects);
  const pod = find(objects, 'Pod', 'volley-reports');
  assert.equal(pod.spec.volumes[0].persistentVolumeClaim.claimName, 'volley-reports');
});

test('the Dockerfile: Node base image as a build argument, production dependencies, non-root, volley as entrypoint', () => {
  const dockerfile = readFileSync(`${ROOT}Dockerfile`, 'utf8');
  assert.match(dockerfile, /^ARG NODE_IMAGE=node:24-slim$/m);
  assert.match(dockerfile, /^FROM \$\{NODE_IMAGE\}$/m);
  assert.match(dockerfile, /^RUN npm ci --omit=dev\b/m);
  assert.match(dockerfile, /^USER 1000:1000$/m);
  assert.match(dockerfile, /^ENTRYPOINT \["node", "\/app\/bin\/volley\.js"\]$/m);
  // Everything it copies exists, and .dockerignore lets it through.
  const ignore = readFileSync(`${ROOT}.dockerignore`, 'utf8');
  for (const [, from] of dockerfile.matchAll(/^COPY (\S+)/gm)) {
    for (const path of (from as string).split(' ')) {
      assert.ok(existsSync(`${ROOT}${path}`), path);
      assert.ok(ignore.includes(`!${path}`), `.dockerignore lets ${path} through`);
    }
  }
  // The manifests' paths are the image's.
  assert.match(dockerfile, /^WORKDIR \/app$/m);
  assert.match(dockerfile, /^COPY examples \.\/examples$/m);
});
