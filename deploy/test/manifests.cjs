// Helpers shared by validate.cjs and podman-plan.cjs: finding objects and ports in rendered
// manifests.
"use strict";
const YAML = require("yaml");

/** The object of this kind and name (kustomize may have added a hash suffix to generated names). */
function findObject(objects, kind, name) {
  return objects.find((o) => o.kind === kind && o.metadata && o.metadata.name === name);
}

/** The worker container of the StatefulSet's pod template (its first container). */
function workerPod(statefulSet) {
  return statefulSet.spec.template.spec.containers[0];
}

/** The container port a probe, Service or policy names, by name or number, or undefined. */
function containerPort(container, port) {
  return (container.ports || []).find((p) => p.name === port || p.containerPort === port);
}

/** config.yml from the ConfigMap, parsed. */
function parseConfig(configMap) {
  if (!configMap || !configMap.data || !configMap.data["config.yml"]) {
    throw new Error("the ConfigMap has no key config.yml");
  }
  return YAML.parse(configMap.data["config.yml"]);
}

/** Every object of a rendered YAML stream. */
function readObjects(text) {
  return YAML.parseAllDocuments(text).map((d) => {
    if (d.errors.length) throw new Error(d.errors[0].message);
    return d.toJS();
  }).filter((o) => o);
}

module.exports = { findObject, workerPod, containerPort, parseConfig, readObjects };
