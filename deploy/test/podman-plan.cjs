// Turns rendered Kubernetes manifests into `podman run` arguments, so that scripts/test-containers
// runs the pods the StatefulSet and the Job would make, as a kubelet would start them on one node.
//
// Usage: node podman-plan.cjs RENDERED.yaml OUT_DIR --prefix P --network NET --label L --replicas N
// Writes into OUT_DIR:
//   secrets.tsv          podman secret name, file with its value (one per Secret key used)
//   volumes.tsv          host folder to create, uid, gid (PersistentVolumeClaims, with fsGroup)
//   worker-<i>.args      podman run arguments of the StatefulSet's pod <i>, NUL-separated
//   <job>-init-<n>.args  podman run arguments of a Job's init container
//   <job>.opts           podman run options and image of a Job's main container
//   <job>.cmd            that container's args as the manifest has them
//   probes.tsv           container name, host, port for each worker's tcpSocket readiness probe
//   summary.txt          one line per pod: what was translated and what a one-node run leaves out
"use strict";
const fs = require("fs");
const path = require("path");
const { findObject, containerPort, readObjects } = require("./manifests.cjs");

const argv = process.argv.slice(2);
if (argv.length < 2 || argv.includes("--help")) {
  console.log("Usage: node podman-plan.cjs RENDERED.yaml OUT_DIR --prefix P --network NET --label KEY=VALUE --replicas N");
  process.exit(argv.includes("--help") ? 0 : 2);
}
const [file, out] = argv;
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const prefix = opt("--prefix", "ddl-");
const network = opt("--network", "ddl");
const label = opt("--label", "ddl.test=1");
const replicas = Number(opt("--replicas", "0"));

const objects = readObjects(fs.readFileSync(file, "utf8"));
const set = objects.find((o) => o.kind === "StatefulSet");
const jobs = objects.filter((o) => o.kind === "Job");
if (!set) throw new Error(`${file} has no StatefulSet`);
const namespace = set.metadata.namespace;
fs.mkdirSync(out, { recursive: true });

const secrets = new Map(); // podman secret name -> file
const volumes = new Map(); // host folder -> [uid, gid]
const summary = [];

function writeArgs(name, args) {
  fs.writeFileSync(path.join(out, name), args.map((a) => a + "\0").join(""));
}

/** A Kubernetes quantity of memory ("4Gi", "512Mi", "1G") as podman's --memory value. */
function memory(q) {
  const m = /^([0-9.]+)([KMGT]i?)?$/.exec(String(q));
  if (!m) throw new Error(`memory quantity '${q}' is not understood`);
  const units = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return String(Math.round(Number(m[1]) * (m[2] ? units[m[2]] : 1)));
}

/** podman run options for one container of a pod spec, and what it could not translate. */
function containerOptions(podName, spec, c, extra) {
  const o = ["--name", prefix + podName + (extra.suffix || ""), "--hostname", podName, "--label", label,
    "--network", network, "--pull", "never"];
  for (const alias of extra.aliases || []) o.push("--network-alias", alias);
  const notes = [];
  const pod = spec.securityContext || {};
  const sc = Object.assign({}, pod, c.securityContext || {});
  if (sc.runAsUser !== undefined) o.push("--user", `${sc.runAsUser}:${sc.runAsGroup !== undefined ? sc.runAsGroup : sc.runAsUser}`);
  if (pod.fsGroup !== undefined) o.push("--group-add", String(pod.fsGroup));
  if (sc.readOnlyRootFilesystem) o.push("--read-only", "--read-only-tmpfs=false");
  if (sc.allowPrivilegeEscalation === false) o.push("--security-opt", "no-new-privileges");
  for (const cap of (sc.capabilities && sc.capabilities.drop) || []) o.push("--cap-drop", cap.toLowerCase());
  const limits = (c.resources && c.resources.limits) || {};
  if (limits.memory) o.push("--memory", memory(limits.memory));
  if (limits.cpu) notes.push("cpu limit not applied");
  for (const e of c.env || []) {
    if (e.value !== undefined) {
      o.push("--env", `${e.name}=${e.value}`);
    } else if (e.valueFrom && e.valueFrom.secretKeyRef) {
      const ref = e.valueFrom.secretKeyRef;
      const secret = findObject(objects, "Secret", ref.name);
      if (!secret) throw new Error(`${podName}: Secret ${ref.name} is not in the manifests`);
      const value = secret.stringData && ref.key in secret.stringData ? secret.stringData[ref.key]
        : Buffer.from(secret.data[ref.key], "base64").toString("utf8");
      const name = `${prefix}${ref.name}-${ref.key}`;
      const valueFile = path.join(out, "secrets", name);
      fs.mkdirSync(path.dirname(valueFile), { recursive: true });
      fs.writeFileSync(valueFile, value, { mode: 0o600 });
      secrets.set(name, valueFile);
      o.push("--secret", `${name},type=env,target=${e.name}`);
    } else if (e.valueFrom && e.valueFrom.configMapKeyRef) {
      const ref = e.valueFrom.configMapKeyRef;
      o.push("--env", `${e.name}=${findObject(objects, "ConfigMap", ref.name).data[ref.key]}`);
    } else if (e.valueFrom && e.valueFrom.fieldRef && e.valueFrom.fieldRef.fieldPath === "metadata.name") {
      o.push("--env", `${e.name}=${podName}`);
    } else {
      throw new Error(`${podName}: env ${e.name} has a source this plan does not translate`);
    }
  }
  for (const m of c.volumeMounts || []) {
    const v = spec.volumes.find((x) => x.name === m.name);
    if (v.configMap) {
      const cm = findObject(objects, "ConfigMap", v.configMap.name);
      const dir = path.join(out, "configmaps", v.configMap.name);
      fs.mkdirSync(dir, { recursive: true });
      for (const [key, value] of Object.entries(cm.data || {})) fs.writeFileSync(path.join(dir, key), value);
      o.push("--mount", `type=bind,src=${path.resolve(dir)},dst=${m.mountPath},ro=true`);
    } else if (v.emptyDir) {
      o.push("--mount", `type=tmpfs,dst=${m.mountPath},tmpfs-mode=1777`);
    } else if (v.persistentVolumeClaim) {
      const dir = path.resolve(out, "volumes", v.persistentVolumeClaim.claimName, m.subPath || "");
      volumes.set(dir, [sc.runAsUser || 0, pod.fsGroup !== undefined ? pod.fsGroup : sc.runAsGroup || 0]);
      o.push("--mount", `type=bind,src=${dir},dst=${m.mountPath}${m.readOnly ? ",ro=true" : ""}`);
    } else {
      throw new Error(`${podName}: volume ${m.name} has a kind this plan does not translate`);
    }
  }
  if (c.command) o.push("--entrypoint", c.command[0]);
  o.push(c.image);
  return { options: o, args: (c.command ? c.command.slice(1) : []).concat(c.args || []), notes };
}

// The StatefulSet's pods: host name <set>-<i>, DNS names <set>-<i>.<service>[.<ns>.svc.cluster.local].
const spec = set.spec.template.spec;
const worker = spec.containers[0];
const probes = [];
const n = replicas || set.spec.replicas;
for (let i = 0; i < n; i++) {
  const podName = `${set.metadata.name}-${i}`;
  const dns = `${podName}.${set.spec.serviceName}`;
  const r = containerOptions(podName, spec, worker, { aliases: [dns, `${dns}.${namespace}.svc.cluster.local`] });
  writeArgs(`worker-${i}.args`, r.options.concat(r.args));
  const probe = worker.readinessProbe && (worker.readinessProbe.tcpSocket || worker.readinessProbe.httpGet);
  if (probe) {
    probes.push([prefix + podName, dns, containerPort(worker, probe.port).containerPort, probe.path || ""].join("\t"));
  }
  summary.push(`${podName}: ${worker.name} ${r.args.join(" ")}${r.notes.length ? " (" + r.notes.join(", ") + ")" : ""}`);
}

// Each Job's pod: its init containers and its main container, in that order.
for (const job of jobs) {
  const jspec = job.spec.template.spec;
  const podName = `${job.metadata.name}-test`;
  (jspec.initContainers || []).forEach((c, k) => {
    const r = containerOptions(podName, jspec, c, { suffix: `-init-${k}` });
    writeArgs(`${job.metadata.name}-init-${k}.args`, r.options.concat(r.args));
    summary.push(`${podName}: init ${c.name} ${r.args.join(" ")}`);
  });
  const main = jspec.containers[0];
  const r = containerOptions(podName, jspec, main, {});
  writeArgs(`${job.metadata.name}.opts`, r.options);
  writeArgs(`${job.metadata.name}.cmd`, r.args);
  summary.push(`${podName}: ${main.name} ${r.args.join(" ")}`);
}

fs.writeFileSync(path.join(out, "secrets.tsv"), [...secrets].map(([k, f]) => `${k}\t${path.resolve(f)}\n`).join(""));
fs.writeFileSync(path.join(out, "volumes.tsv"), [...volumes].map(([d, [u, g]]) => `${d}\t${u}\t${g}\n`).join(""));
fs.writeFileSync(path.join(out, "probes.tsv"), probes.map((p) => p + "\n").join(""));
fs.writeFileSync(path.join(out, "summary.txt"), summary.join("\n") + "\n");
