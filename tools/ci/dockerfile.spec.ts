import { commandOf, copyArgsOf, dockerignoreMatcher, envPairsOf, parseDockerfile } from './dockerfile';

describe('the Dockerfile reader of dockerfile-check', () => {
  it('splits stages and instructions, joining continuations and dropping comments', () => {
    const stages = parseDockerfile(
      ['# comment', 'FROM node:20-slim AS build', 'WORKDIR /app', 'RUN a && \\', '  # inside', '  b', '', 'FROM node:20-slim', 'CMD ["node", "x.js"]'].join('\n'),
    );
    expect(stages).toEqual([
      { image: 'node:20-slim', name: 'build', instructions: [{ keyword: 'WORKDIR', args: '/app', line: 3 }, { keyword: 'RUN', args: 'a &&    b', line: 4 }] },
      { image: 'node:20-slim', instructions: [{ keyword: 'CMD', args: '["node", "x.js"]', line: 9 }] },
    ]);
  });

  it('refuses what it cannot carry out faithfully', () => {
    expect(() => parseDockerfile('RUN x')).toThrow('before the first FROM');
    expect(() => parseDockerfile('FROM a\nRUN <<EOF\nx\nEOF')).toThrow('heredocs');
  });

  it('reads commands, COPY and ENV arguments', () => {
    expect(commandOf('npm run build')).toEqual(['/bin/sh', '-c', 'npm run build']);
    expect(commandOf('["sh", "-c", "exec node a"]')).toEqual(['sh', '-c', 'exec node a']);
    expect(copyArgsOf('--from=build --chown=node /app/dist ./dist')).toEqual({ from: 'build', sources: ['/app/dist'], dest: './dist' });
    expect(copyArgsOf('package.json package-lock.json ./')).toEqual({ sources: ['package.json', 'package-lock.json'], dest: './' });
    expect(envPairsOf('NODE_ENV=production A="b c"')).toEqual([['NODE_ENV', 'production'], ['A', 'b c']]);
    expect(envPairsOf('APP console-api')).toEqual([['APP', 'console-api']]);
  });

  it('applies .dockerignore patterns to a path and its parent folders', () => {
    const ignored = dockerignoreMatcher('node_modules\ndist\nbench/results\n*.log\n!keep.log\n');
    expect(ignored('node_modules/x/index.js')).toBe(true);
    expect(ignored('bench/results/a.json')).toBe(true);
    expect(ignored('bench/system/a.ts')).toBe(false);
    expect(ignored('a.log')).toBe(true);
    expect(ignored('keep.log')).toBe(false);
    expect(ignored('apps/dist-notes.md')).toBe(false);
  });
});
