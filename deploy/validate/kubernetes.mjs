// Validates every object in the Kubernetes manifests against the Kubernetes API's OpenAPI schemas
// (kubernetes-models: types, required fields, enums, formats), then checks the rules this project
// keeps for its manifests. Usage: node kubernetes.mjs DIR...   Exit code 1 on any failure.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";

const roots = process.argv.slice(2);
if (roots.length === 0) {
  console.error("usage: node kubernetes.mjs DIR...");
  process.exit(2);
}

const files = roots.flatMap(function walk(path) {
  if (statSync(path).isDirectory()) return readdirSync(path).sort().flatMap((name) => walk(join(path, name)));
  return /\.ya?ml$/.test(path) ? [path] : [];
});

const failures = [];
const objects = [];
for (const file of files) {
  const documents = parseAllDocuments(readFileSync(file, "utf8"), { prettyErrors: true });
  for (const [index, document] of documents.entries()) {
    const where = `${relative(process.cwd(), file)} #${index + 1}`;
    if (document.errors.length > 0) {
      failures.push(`${where}: not valid YAML: ${document.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const object = document.toJS();
    if (object == null) continue;
    const name = `${where} ${object.kind ?? "?"}/${object.metadata?.name ?? "?"}`;
    try {
      await validateSchema(object);
      objects.push({ name, object });
    } catch (error) {
      failures.push(`${name}: ${error.message}`);
    }
  }
}

for (const { name, object } of objects) for (const problem of projectRules(object)) failures.push(`${name}: ${problem}`);

if (objects.length === 0) failures.push(`no Kubernetes object found under ${roots.join(", ")}`);
for (const failure of failures) console.error(`FAIL ${failure}`);
console.log(`Kubernetes manifests: ${objects.length} objects in ${files.length} files checked, ${failures.length} failure(s).`);
process.exit(failures.length === 0 ? 0 : 1);

/** Finds the model for apiVersion + kind (apps/v1 Deployment → kubernetes-models/apps/v1) and validates. */
async function validateSchema(object) {
  if (typeof object.apiVersion !== "string" || typeof object.kind !== "string")
    throw new Error("apiVersion and kind are required");
  let models;
  try {
    models = await import(`kubernetes-models/${object.apiVersion}`);
  } catch {
    throw new Error(`unknown apiVersion ${object.apiVersion}`);
  }
  const Model = models[object.kind];
  if (typeof Model !== "function") throw new Error(`unknown kind ${object.kind} in ${object.apiVersion}`);
  new Model(object).validate();
}

/** The rules the issue sets for these manifests, beyond what the API schema can say. */
function* projectRules(object) {
  if (object.kind === "Secret" && (object.data || object.stringData))
    yield "Secrets are referenced, never filled: create this one outside the repository";
  const pod = object.kind === "Deployment" || object.kind === "Job" ? object.spec.template.spec : null;
  if (!pod) return;
  for (const container of pod.containers) {
    for (const env of container.env ?? [])
      if (/key|password|secret|connectionstrings/i.test(env.name) && env.value !== undefined && !/DrainTimeout/.test(env.name))
        yield `container ${container.name}: ${env.name} carries a value; reference a Secret instead`;
    for (const kind of ["requests", "limits"])
      for (const resource of ["cpu", "memory"])
        if (!container.resources?.[kind]?.[resource]) yield `container ${container.name}: resources.${kind}.${resource} is missing`;
    if (object.kind === "Deployment") {
      if (container.readinessProbe?.httpGet?.path !== "/health/ready") yield `container ${container.name}: readinessProbe must GET /health/ready`;
      if (container.livenessProbe?.httpGet?.path !== "/health/live") yield `container ${container.name}: livenessProbe must GET /health/live`;
    }
  }
  const role = object.spec.template.metadata?.labels?.["app.kubernetes.io/component"];
  if (role === "worker" && !(pod.terminationGracePeriodSeconds > 20))
    yield "workers need terminationGracePeriodSeconds longer than Alerts:Push:DrainTimeout (20 s)";
}
