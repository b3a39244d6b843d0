import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

type Yaml = Record<string, unknown>;
const isObject = (v: unknown): v is Yaml => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `environment:` of compose as a map (the list form `- A=b` too). */
function composeEnv(value: unknown): Record<string, string> {
  if (Array.isArray(value)) {
    return Object.fromEntries(value.map((e) => String(e).split(/=(.*)/s).slice(0, 2) as [string, string]));
  }
  return isObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])) : {};
}

function checkCompose(text: string, apps: readonly string[], problems: string[]): number {
  const compose: unknown = parse(text, { merge: true });
  const services = isObject(compose) && isObject(compose['services']) ? compose['services'] : {};
  let built = 0;
  for (const [name, service] of Object.entries(services)) {
    if (!isObject(service) || service['build'] === undefined) continue;
    built += 1;
    const env = composeEnv(service['environment']);
    if (service['build'] !== '.') problems.push(`docker-compose.yml ${name}: build is ${JSON.stringify(service['build'])}, expected "." (the Dockerfile)`);
    if (!env['APP'] || !apps.includes(env['APP'])) problems.push(`docker-compose.yml ${name}: APP=${env['APP'] ?? '(unset)'} is not an app of the image (${apps.join(', ')})`);
    const ports = Array.isArray(service['ports']) ? service['ports'].map(String) : [];
    for (const mapping of ports) {
      const containerPort = mapping.split(':').pop();
      if (env['PORT'] && containerPort !== env['PORT']) problems.push(`docker-compose.yml ${name}: publishes ${mapping} but PORT is ${env['PORT']}`);
    }
  }
  if (built === 0) problems.push('docker-compose.yml: no service is built from the Dockerfile');
  return built;
}

function checkManifest(file: string, text: string, apps: readonly string[], problems: string[]): number {
  let containers = 0;
  for (const doc of parseAllDocuments(text)) {
    if ('errors' in doc && doc.errors.length > 0) {
      problems.push(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      continue;
    }
    const manifest: unknown = doc.toJS();
    const spec = isObject(manifest) && isObject(manifest['spec']) ? manifest['spec'] : undefined;
    const podSpec = spec && isObject(spec['template']) && isObject(spec['template']['spec']) ? spec['template']['spec'] : undefined;
    const list = podSpec && Array.isArray(podSpec['containers']) ? podSpec['containers'] : [];
    for (const container of list) {
      if (!isObject(container) || !/\/parley:/.test(String(container['image']))) continue;
      containers += 1;
      const env = Object.fromEntries(
        (Array.isArray(container['env']) ? container['env'] : []).filter(isObject).map((e) => [String(e['name']), String(e['value'])]),
      );
      const app = env['APP'];
      if (!app || !apps.includes(app)) problems.push(`${file} ${String(container['name'])}: APP=${app ?? '(unset)'} is not an app of the image`);
      const ports = (Array.isArray(container['ports']) ? container['ports'] : []).filter(isObject).map((p) => String(p['containerPort']));
      if (env['PORT'] && ports.length > 0 && !ports.includes(env['PORT'])) problems.push(`${file} ${String(container['name'])}: containerPort ${ports.join(',')} but PORT ${env['PORT']}`);
    }
  }
  return containers;
}

/**
 * Static checks of docker-compose.yml and deploy/ against the image (no engine or cluster here): the YAML parses,
 * every service built from the Dockerfile and every container of the Parley image names an app the image holds
 * (APP), publishes the port it listens on (PORT), and kustomization lists files that exist. Returns what it
 * checked; throws with every problem found.
 */
export async function checkDeployFiles(context: string, apps: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  const done: string[] = [];
  const composeFile = path.join(context, 'docker-compose.yml');
  if (existsSync(composeFile)) done.push(`docker-compose.yml: ${checkCompose(await readFile(composeFile, 'utf8'), apps, problems)} services built from the Dockerfile`);
  const deployDir = path.join(context, 'deploy');
  if (existsSync(deployDir)) {
    let containers = 0;
    for (const name of (await readdir(deployDir)).filter((n) => /\.ya?ml$/.test(n)).sort()) {
      const text = await readFile(path.join(deployDir, name), 'utf8');
      containers += checkManifest(`deploy/${name}`, text, apps, problems);
      if (name === 'kustomization.yaml') {
        const kustomization: unknown = parse(text);
        const resources = isObject(kustomization) && Array.isArray(kustomization['resources']) ? kustomization['resources'].map(String) : [];
        for (const r of resources) if (!existsSync(path.join(deployDir, r))) problems.push(`deploy/kustomization.yaml: resource ${r} does not exist`);
      }
    }
    done.push(`deploy/: ${containers} containers of the Parley image`);
  }
  if (problems.length > 0) throw new Error(`deployment files disagree with the image:\n  ${problems.join('\n  ')}`);
  return done;
}
