// Checks rendered Kubernetes manifests offline: every object against the API's schema
// (kubernetes-models), then the references between them. Usage: node validate.cjs RENDERED.yaml
// Prints one line per check; exits 1 if any fails.
"use strict";
const fs = require("fs");
const { parseConfig, workerPod, findObject, containerPort, readObjects } = require("./manifests.cjs");

const file = process.argv[2];
if (!file || process.argv.includes("--help")) {
  console.log("Usage: node validate.cjs RENDERED.yaml   (the output of kubectl kustomize deploy/kubernetes)");
  process.exit(file ? 0 : 2);
}
let objects;
try {
  objects = readObjects(fs.readFileSync(file, "utf8"));
} catch (e) {
  console.error(`${file}: not valid YAML: ${e.message}`);
  process.exit(1);
}

let failed = 0;
let passed = 0;
function check(ok, what, detail) {
  if (ok) {
    passed++;
    console.log(`  ok    ${what}`);
  } else {
    failed++;
    console.log(`  FAIL  ${what}${detail ? ": " + detail : ""}`);
  }
}
const name = (o) => `${o.kind}/${o.metadata && o.metadata.name}`;
const matches = (selector, labels) =>
  !!selector && Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([k, v]) => labels && labels[k] === v);

// 1. Each object against the schema of its apiVersion and kind.
for (const o of objects) {
  let Model;
  try {
    // The package's folders follow apiVersion: "v1", "apps/v1", "networking.k8s.io/v1".
    Model = require(`kubernetes-models/${o.apiVersion}/${o.kind}`)[o.kind];
  } catch (e) {
    check(false, `${name(o)} has a known apiVersion and kind`, `${o.apiVersion} ${o.kind}`);
    continue;
  }
  if (o.kind === "Secret" && o.data) {
    // kustomize wraps long base64 values over lines, which the API server accepts; the schema's
    // "byte" format does not, so check the value without its line breaks.
    for (const k of Object.keys(o.data)) o.data[k] = String(o.data[k]).replace(/\s+/g, "");
  }
  try {
    new Model(o).validate();
    check(true, `${name(o)} (${o.apiVersion}) is valid`);
  } catch (e) {
    check(false, `${name(o)} (${o.apiVersion}) is valid`, e.message.split("\n").slice(0, 6).join(" | "));
  }
}

// 2. References between the objects.
const ns = objects.find((o) => o.kind === "Namespace");
check(!!ns, "a Namespace is part of the deployment");
for (const o of objects.filter((x) => x.kind !== "Namespace")) {
  check(ns && o.metadata.namespace === ns.metadata.name, `${name(o)} is in namespace ${ns && ns.metadata.name}`,
    `namespace ${o.metadata.namespace}`);
}

const sts = objects.filter((o) => o.kind === "StatefulSet");
const jobs = objects.filter((o) => o.kind === "Job");
check(sts.length === 1, "exactly one StatefulSet (the workers)", `found ${sts.length}`);
check(jobs.length >= 1, "at least one Job (a task main)", `found ${jobs.length}`);
if (sts.length !== 1) {
  finish();
}
const set = sts[0];
const podLabels = set.spec.template.metadata.labels;
const worker = workerPod(set);
check(matches(set.spec.selector.matchLabels, podLabels), "StatefulSet selector matches its pod labels");

const svc = findObject(objects, "Service", set.spec.serviceName);
check(!!svc, `StatefulSet serviceName ${set.spec.serviceName} names a Service`);
if (svc) {
  check(svc.spec.clusterIP === "None", `Service ${svc.metadata.name} is headless (clusterIP: None)`);
  check(matches(svc.spec.selector, podLabels), `Service ${svc.metadata.name} selects the worker pods`);
  for (const p of svc.spec.ports) {
    check(!!containerPort(worker, p.targetPort || p.port),
      `Service port ${p.name || p.port} targets a worker container port`, `targetPort ${p.targetPort}`);
  }
}

const anti = (((set.spec.template.spec.affinity || {}).podAntiAffinity || {})
  .preferredDuringSchedulingIgnoredDuringExecution || []).map((t) => t.podAffinityTerm)
  .concat(((set.spec.template.spec.affinity || {}).podAntiAffinity || {})
    .requiredDuringSchedulingIgnoredDuringExecution || []);
check(anti.some((t) => t.topologyKey === "kubernetes.io/hostname" && matches(t.labelSelector.matchLabels, podLabels)),
  "pod anti-affinity spreads the workers over nodes (kubernetes.io/hostname)");

const c = worker;
for (const kind of ["readinessProbe", "livenessProbe"]) {
  const probe = c[kind];
  const port = probe && (probe.tcpSocket || probe.httpGet || {}).port;
  check(!!probe && !!containerPort(c, port), `worker ${kind} probes a declared container port`, `port ${port}`);
}
check(!!(c.resources && c.resources.requests && c.resources.requests.cpu && c.resources.requests.memory),
  "worker container requests cpu and memory");

// Secrets and ConfigMaps every pod refers to exist and have the keys.
const pods = [[`StatefulSet/${set.metadata.name}`, set.spec.template.spec]]
  .concat(jobs.map((j) => [`Job/${j.metadata.name}`, j.spec.template.spec]));
for (const [owner, spec] of pods) {
  const containers = (spec.initContainers || []).concat(spec.containers);
  for (const ct of containers) {
    for (const e of ct.env || []) {
      const ref = e.valueFrom && (e.valueFrom.secretKeyRef || e.valueFrom.configMapKeyRef);
      if (!ref) continue;
      const kind = e.valueFrom.secretKeyRef ? "Secret" : "ConfigMap";
      const target = findObject(objects, kind, ref.name);
      const data = target && Object.assign({}, target.data, target.stringData);
      check(!!target && ref.key in data, `${owner} ${ct.name}: env ${e.name} from ${kind} ${ref.name} key ${ref.key}`);
    }
    for (const m of ct.volumeMounts || []) {
      check((spec.volumes || []).some((v) => v.name === m.name),
        `${owner} ${ct.name}: volume mount ${m.mountPath} names a volume of the pod`, m.name);
    }
    const configEnv = (ct.env || []).find((e) => e.name === "DDL_CONFIG");
    if (configEnv) {
      const mount = (ct.volumeMounts || []).find((m) => configEnv.value.startsWith(m.mountPath + "/"));
      const volume = mount && spec.volumes.find((v) => v.name === mount.name);
      const cm = volume && volume.configMap && findObject(objects, "ConfigMap", volume.configMap.name);
      const key = mount && configEnv.value.slice(mount.mountPath.length + 1);
      check(!!cm && key in (cm.data || {}), `${owner} ${ct.name}: DDL_CONFIG ${configEnv.value} is a key of a mounted ConfigMap`);
    }
    check(ct.image === c.image, `${owner} ${ct.name} runs the same image as the workers`, ct.image);
  }
  for (const v of spec.volumes || []) {
    if (v.configMap) check(!!findObject(objects, "ConfigMap", v.configMap.name), `${owner}: ConfigMap ${v.configMap.name} exists`);
    if (v.secret) check(!!findObject(objects, "Secret", v.secret.secretName), `${owner}: Secret ${v.secret.secretName} exists`);
    if (v.persistentVolumeClaim) {
      check(!!findObject(objects, "PersistentVolumeClaim", v.persistentVolumeClaim.claimName),
        `${owner}: PersistentVolumeClaim ${v.persistentVolumeClaim.claimName} exists`);
    }
  }
}

// The cluster configuration names the same StatefulSet, Service and port.
const configVolume = set.spec.template.spec.volumes.find((v) => v.configMap);
const configMap = configVolume && findObject(objects, "ConfigMap", configVolume.configMap.name);
let config = null;
try {
  config = parseConfig(configMap);
} catch (e) {
  check(false, "config.yml in the ConfigMap parses", e.message);
}
if (config) {
  const form = config.workers && config.workers.stateful_set;
  check(!!form, "config.yml describes the workers as a StatefulSet");
  if (form) {
    check(form.name === set.metadata.name, `config.yml stateful_set.name is the StatefulSet's name`, form.name);
    check(form.service === set.spec.serviceName, `config.yml stateful_set.service is its serviceName`, form.service);
    check(containerPort(c, form.port) && containerPort(c, form.port).containerPort === form.port,
      `config.yml stateful_set.port ${form.port} is the worker's container port`);
    check(form.replicas === set.spec.replicas, `config.yml replicas (${form.replicas}) equals the StatefulSet's`,
      `StatefulSet has ${set.spec.replicas}`);
    check((form.max_replicas || form.replicas) >= form.replicas, "config.yml max_replicas is at least replicas");
  }
  check(!("secret" in config), "config.yml in the ConfigMap holds no secret (it comes from the Secret)");
}

// The NetworkPolicy admits the master's pods and the workers, on the worker port only.
const policies = objects.filter((o) => o.kind === "NetworkPolicy" && matches(o.spec.podSelector.matchLabels, podLabels));
check(policies.length === 1, "one NetworkPolicy selects the worker pods", `found ${policies.length}`);
if (policies.length === 1) {
  const rules = policies[0].spec.ingress || [];
  const from = rules.flatMap((r) => r.from || []);
  const ports = rules.flatMap((r) => r.ports || []);
  for (const j of jobs) {
    check(from.some((f) => f.podSelector && matches(f.podSelector.matchLabels, j.spec.template.metadata.labels)),
      `NetworkPolicy admits the pods of Job/${j.metadata.name}`);
  }
  check(from.some((f) => f.podSelector && matches(f.podSelector.matchLabels, podLabels)),
    "NetworkPolicy admits the workers (worker-to-worker connections)");
  check(from.every((f) => f.podSelector && !f.namespaceSelector && !f.ipBlock),
    "NetworkPolicy admits pods of this namespace only");
  check(ports.length > 0 && ports.every((p) => containerPort(c, p.port)), "NetworkPolicy opens only the worker's ports");
}
finish();

function finish() {
  console.log(`manifest checks: ${passed} ok, ${failed} failing`);
  process.exit(failed ? 1 : 0);
}
