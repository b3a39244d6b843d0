import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkDeployFiles } from './deploy-files';
import { commandOf, copyArgsOf, dockerignoreMatcher, envPairsOf, parseDockerfile, type DockerStage } from './dockerfile';

/*
 * CI's stand-in for `docker build` (there is no Docker engine here): runs the Dockerfile's own instructions, read from
 * the file, on a clean copy of the repository in a temporary directory. The build stage's WORKDIR/ENV/ARG/COPY/RUN are
 * carried out as written (the image's "/" is a temp folder); the last stage's COPY --from assembles the runtime
 * folder, and its CMD is started once per app (APP=<app>, no NATS/Postgres): each must load all of its code from the
 * pruned node_modules and stop on its configuration check, not on a missing module. docker-compose.yml and deploy/
 * are then checked against the image (YAML parses, every APP they name is in it). Usage (after `npm run build`):
 *   node dist/tools/ci/dockerfile-check.js        (KEEP=1 keeps the temp directory)
 */

const repoRoot = path.resolve(__dirname, '../../..');
const say = (line: string): void => void process.stdout.write(`dockerfile-check | ${line}\n`);

/** The files a `docker build .` of a fresh clone would send: tracked and untracked-but-not-ignored, less .dockerignore. */
async function cleanContext(into: string): Promise<void> {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const ignoreFile = path.join(repoRoot, '.dockerignore');
  const ignored = dockerignoreMatcher(existsSync(ignoreFile) ? await readFile(ignoreFile, 'utf8') : '');
  let copied = 0;
  for (const rel of listed.stdout.split('\0')) {
    if (rel === '' || ignored(rel) || !existsSync(path.join(repoRoot, rel))) continue;
    await mkdir(path.dirname(path.join(into, rel)), { recursive: true });
    await cp(path.join(repoRoot, rel), path.join(into, rel));
    copied += 1;
  }
  say(`clean context: ${copied} files`);
}

/** The environment of a RUN: this machine's PATH and HOME (its npm cache), none of npm's or CI's own variables. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

function run(argv: string[], cwd: string, env: Record<string, string>, prefix: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      output += text;
      if (prefix) for (const line of text.split('\n')) if (line.trim() !== '') process.stdout.write(`${prefix}${line}\n`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

interface StageResult {
  root: string;
  workdir: string;
  env: Record<string, string>;
  cmd?: string[];
}

/** Carries out one stage in `<work>/<stage>` as its "/"; COPY reads the context, or another stage's root (--from). */
async function runStage(stage: DockerStage, label: string, work: string, context: string, done: Map<string, StageResult>): Promise<StageResult> {
  const root = path.join(work, label);
  await mkdir(root, { recursive: true });
  const inRoot = (p: string, cwd: string): string => (p.startsWith('/') ? path.join(root, p) : path.join(cwd, p));
  const result: StageResult = { root, workdir: root, env: {} };
  for (const step of stage.instructions) {
    const where = `Dockerfile line ${step.line}`;
    switch (step.keyword) {
      case 'WORKDIR':
        result.workdir = inRoot(step.args.trim(), result.workdir);
        await mkdir(result.workdir, { recursive: true });
        break;
      case 'ENV':
        for (const [k, v] of envPairsOf(step.args)) result.env[k] = v;
        break;
      case 'ARG': {
        const [name, value] = step.args.trim().split('=', 2);
        if (value !== undefined && name) result.env[name] = value;
        break;
      }
      case 'COPY': {
        const copy = copyArgsOf(step.args);
        const fromStage = copy.from === undefined ? undefined : done.get(copy.from);
        if (copy.from !== undefined && !fromStage) throw new Error(`${where}: COPY --from=${copy.from}: no such earlier stage`);
        const dest = inRoot(copy.dest, result.workdir);
        const many = copy.sources.length > 1 || copy.dest.endsWith('/');
        for (const source of copy.sources) {
          // Docker reads a --from source from that stage's "/", a plain one from the build context.
          const from = path.join(fromStage ? fromStage.root : context, source);
          if (!existsSync(from)) throw new Error(`${where}: COPY source ${source} does not exist`);
          const isDir = (await stat(from)).isDirectory();
          const target = isDir ? dest : many ? path.join(dest, path.basename(from)) : dest;
          await mkdir(isDir ? target : path.dirname(target), { recursive: true });
          await cp(from, target, { recursive: true, verbatimSymlinks: true });
        }
        break;
      }
      case 'RUN': {
        say(`${label}: RUN ${step.args}`);
        const started = Date.now();
        const { code } = await run(commandOf(step.args), result.workdir, { ...baseEnv(), ...result.env }, `  ${label} | `, 30 * 60_000);
        if (code !== 0) throw new Error(`${where}: RUN failed (exit ${code}): ${step.args}`);
        say(`${label}: done in ${Math.round((Date.now() - started) / 1000)} s`);
        break;
      }
      case 'CMD':
        result.cmd = commandOf(step.args);
        break;
      case 'USER': case 'EXPOSE': case 'LABEL': case 'ENTRYPOINT': case 'HEALTHCHECK': case 'STOPSIGNAL': case 'VOLUME':
        if (step.keyword === 'ENTRYPOINT') throw new Error(`${where}: ENTRYPOINT is not supported by the check; use CMD`);
        break;
      default:
        throw new Error(`${where}: ${step.keyword} is not supported by the check (extend tools/ci/dockerfile-check.ts)`);
    }
  }
  return result;
}

/** Starts the image's CMD once per app: each must get as far as its configuration check. */
async function smokeApps(runtime: StageResult): Promise<string[]> {
  if (!runtime.cmd) throw new Error('the last stage has no CMD');
  const appsDir = path.join(runtime.workdir, 'dist/apps');
  const apps = (await readdir(appsDir)).filter((a) => existsSync(path.join(appsDir, a, 'src/main.js'))).sort();
  if (apps.length === 0) throw new Error('the image holds no dist/apps/*/src/main.js');
  if (existsSync(path.join(repoRoot, 'apps/console/index.html')) && !existsSync(path.join(appsDir, 'console/index.html'))) {
    throw new Error('the image holds no built console (dist/apps/console/index.html) for console-api to serve');
  }
  for (const app of apps) {
    const { code, output } = await run(runtime.cmd, runtime.workdir, { ...baseEnv(), ...runtime.env, APP: app }, '', 60_000);
    const loaded = /Invalid configuration/.test(output) && !/Cannot find module|MODULE_NOT_FOUND|ERR_MODULE_NOT_FOUND/.test(output);
    if (code === 0 || !loaded) throw new Error(`APP=${app}: the image's CMD did not reach the configuration check (exit ${code}):\n${output.slice(-3000)}`);
    say(`APP=${app}: starts from the image's files (stops at its configuration check, as it should without NATS and Postgres)`);
  }
  return apps;
}

async function main(): Promise<void> {
  const started = Date.now();
  const work = await mkdtemp(path.join(tmpdir(), 'parley-dockerfile-check-'));
  say(`working in ${work}`);
  try {
    const context = path.join(work, 'context');
    await cleanContext(context);
    const stages = parseDockerfile(await readFile(path.join(context, 'Dockerfile'), 'utf8'));
    if (stages.length === 0) throw new Error('the Dockerfile has no FROM');
    const major = process.versions.node.split('.')[0];
    const done = new Map<string, StageResult>();
    let last: StageResult | undefined;
    for (const [index, stage] of stages.entries()) {
      const label = stage.name ?? `stage-${index}`;
      if (!new RegExp(`^node:${major}[.-]`).test(stage.image)) say(`warning: ${label} is FROM ${stage.image}, this machine runs Node ${process.versions.node}`);
      last = await runStage(stage, label, path.join(work, 'stages'), context, done);
      done.set(label, last);
      done.set(String(index), last);
    }
    const apps = await smokeApps(last!);
    for (const line of await checkDeployFiles(context, apps)) say(line);
    say(`passed in ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    if (process.env['KEEP']) say(`kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`dockerfile-check | FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
