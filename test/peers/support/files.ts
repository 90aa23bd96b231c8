// Find the artefacts the peer tests check: the small fixtures shipped here, plus the generated
// dashboards/<profile>/*.json and alerts/<profile>/... files once the generator lands them.
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const fixturesDir = join(repoRoot, "test", "peers", "fixtures");

/** Every file under `dir` (recursively) whose repo-relative path satisfies `keep`; [] when `dir` is absent. */
export function findFiles(dir: string, keep: (relativePath: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findFiles(path, keep));
    else if (entry.isFile() && keep(relative(repoRoot, path))) found.push(path);
  }
  return found.sort();
}

/** Generated dashboards: dashboards/<profile>/*.json. */
export function generatedDashboards(): string[] {
  return findFiles(join(repoRoot, "dashboards"), (path) => path.endsWith(".json"));
}

/** Generated Prometheus rule files: alerts/<profile>/**\/*.rules.yaml (mimir/ variants excluded). */
export function generatedPrometheusRules(): string[] {
  return findFiles(join(repoRoot, "alerts"), (path) => path.endsWith(".rules.yaml") && !path.split("/").includes("mimir"));
}

/** Generated Mimir rule files (namespace + groups): alerts/<profile>/mimir/*.yaml. */
export function generatedMimirRules(): string[] {
  return findFiles(join(repoRoot, "alerts"), (path) => {
    const parts = path.split("/");
    return parts.at(-2) === "mimir" && /\.ya?ml$/.test(path);
  });
}

/** Repo-relative path for test names and messages. */
export function shown(path: string): string {
  return relative(repoRoot, path);
}
