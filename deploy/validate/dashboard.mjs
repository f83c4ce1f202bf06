// Checks a Grafana dashboard: valid JSON, unique panel ids, every panel with a title and PromQL targets.
// Writes each query as a recording rule to OUT so that `promtool check rules OUT` checks its PromQL.
// Usage: node dashboard.mjs DASHBOARD.json OUT.yml
import { readFileSync, writeFileSync } from "node:fs";
import { stringify } from "yaml";

const [file, out] = process.argv.slice(2);
const failures = [];
let dashboard;
try {
  dashboard = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  console.error(`FAIL ${file}: ${error.message}`);
  process.exit(1);
}

if (!dashboard.title || !dashboard.uid) failures.push("the dashboard needs a title and a uid");
const panels = (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
const ids = new Set();
const rules = [];
for (const panel of panels) {
  if (ids.has(panel.id)) failures.push(`panel id ${panel.id} is used twice`);
  ids.add(panel.id);
  if (!panel.title) failures.push(`panel ${panel.id} has no title`);
  if (panel.type === "row") continue;
  if (!panel.gridPos) failures.push(`panel "${panel.title}" has no gridPos`);
  if (!panel.targets?.length) failures.push(`panel "${panel.title}" has no query`);
  for (const target of panel.targets ?? []) {
    if (!target.expr) failures.push(`panel "${panel.title}" target ${target.refId} has no expr`);
    else rules.push({ record: `dashboard:panel_${panel.id}_${target.refId}`, expr: target.expr.replaceAll("$__rate_interval", "5m").replaceAll("$__interval", "1m") });
  }
}
writeFileSync(out, stringify({ groups: [{ name: "dashboard-queries", rules }] }));
for (const failure of failures) console.error(`FAIL ${file}: ${failure}`);
console.log(`Dashboard: ${panels.length} panels, ${rules.length} queries, ${failures.length} failure(s).`);
process.exit(failures.length === 0 ? 0 : 1);
