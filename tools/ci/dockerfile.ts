/** One instruction of a Dockerfile: the keyword (upper case), its arguments with continuations joined, its line. */
export interface DockerInstruction {
  keyword: string;
  args: string;
  line: number;
}

export interface DockerStage {
  /** The base image of `FROM <image> [AS <name>]`. */
  image: string;
  name?: string;
  instructions: DockerInstruction[];
}

/**
 * Splits a Dockerfile into stages and instructions: comment lines and blank lines dropped, lines ending in `\`
 * joined with the next (comment lines inside a continuation are skipped, as Docker does). Parser directives and
 * heredocs are not supported (the check refuses what it does not understand rather than guess).
 */
export function parseDockerfile(text: string): DockerStage[] {
  const stages: DockerStage[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const first = lines[i] ?? '';
    if (/^\s*(#|$)/.test(first)) continue;
    const start = i + 1;
    let joined = first;
    let continues = /\\\s*$/.test(joined);
    while (continues && i + 1 < lines.length) {
      joined = joined.replace(/\\\s*$/, ' ');
      i += 1;
      const next = lines[i] ?? '';
      if (/^\s*#/.test(next)) continue;
      joined += next;
      continues = /\\\s*$/.test(joined);
    }
    const match = /^\s*([A-Za-z]+)\s+([\s\S]*?)\s*$/.exec(joined);
    if (!match) throw new Error(`Dockerfile line ${start}: cannot read "${joined.trim()}"`);
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!;
    if (/<<-?\s*["']?[A-Za-z]/.test(args) && (keyword === 'RUN' || keyword === 'COPY')) {
      throw new Error(`Dockerfile line ${start}: heredocs are not supported by the check`);
    }
    if (keyword === 'FROM') {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`Dockerfile line ${start}: cannot read FROM "${args}"`);
      stages.push({ image: from[1]!, ...(from[2] ? { name: from[2] } : {}), instructions: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) throw new Error(`Dockerfile line ${start}: ${keyword} before the first FROM`);
    stage.instructions.push({ keyword, args, line: start });
  }
  return stages;
}

/** A RUN or CMD in exec form (`["a", "b"]`) as its argument list; in shell form as `sh -c <text>`. */
export function commandOf(args: string): string[] {
  const trimmed = args.trim();
  if (trimmed.startsWith('[')) {
    const parsed: unknown = JSON.parse(trimmed);
    if (!Array.isArray(parsed) || !parsed.every((p): p is string => typeof p === 'string')) throw new Error(`not an exec form: ${args}`);
    return parsed;
  }
  return ['/bin/sh', '-c', trimmed];
}

export interface CopyArgs {
  /** `--from=<stage>`, when the files come from another stage. */
  from?: string;
  sources: string[];
  dest: string;
}

/** COPY/ADD arguments: flags (`--from=…`, `--chown=…`, …), then sources and the destination (JSON form too). */
export function copyArgsOf(args: string): CopyArgs {
  const words = args.trim().split(/\s+/);
  let from: string | undefined;
  while (words[0]?.startsWith('--')) {
    const flag = words.shift()!;
    const value = /^--from=(.+)$/.exec(flag);
    if (value) from = value[1];
  }
  const rest = words.join(' ');
  const paths: string[] = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : words;
  if (paths.length < 2) throw new Error(`COPY needs a source and a destination: ${args}`);
  return { ...(from ? { from } : {}), sources: paths.slice(0, -1), dest: paths[paths.length - 1]! };
}

/** `ENV a=b c="d e"` and the old `ENV a b` form, as pairs. */
export function envPairsOf(args: string): Array<[string, string]> {
  const trimmed = args.trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(trimmed)) {
    const legacy = /^(\S+)\s+([\s\S]*)$/.exec(trimmed);
    if (!legacy) throw new Error(`cannot read ENV ${args}`);
    return [[legacy[1]!, legacy[2]!]];
  }
  const pairs: Array<[string, string]> = [];
  const pattern = /([A-Za-z_][A-Za-z0-9_]*)=("((?:[^"\\]|\\.)*)"|'([^']*)'|(\S*))\s*/g;
  let consumed = 0;
  for (let m = pattern.exec(trimmed); m !== null; m = pattern.exec(trimmed)) {
    if (m.index !== consumed) break;
    consumed = pattern.lastIndex;
    pairs.push([m[1]!, m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[4] ?? m[5] ?? '')]);
  }
  if (consumed !== trimmed.length) throw new Error(`cannot read ENV ${args}`);
  return pairs;
}

/**
 * A .dockerignore as a predicate on context-relative paths (`/` separators): each line a pattern with `*`, `?`
 * and `**`; a path is ignored when it or one of its parent folders matches; `!pattern` re-includes.
 */
export function dockerignoreMatcher(text: string): (relPath: string) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+|\/+$/g, '').replace(/^\.\//, '');
      const source = pattern
        .split('/')
        .map((part) => (part === '**' ? '.*' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
        .join('/');
      return { negate, regex: new RegExp(`^${source}$`) };
    });
  return (relPath) => {
    const parts = relPath.split('/');
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const rule of rules) if (candidates.some((c) => rule.regex.test(c))) ignored = !rule.negate;
    return ignored;
  };
}
