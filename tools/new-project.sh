#!/usr/bin/env bash
# Creates the Nx project files of a project: tools/new-project.sh <dir> <type> <scope>, e.g.
#   tools/new-project.sh libs/event-store infra shared
set -euo pipefail
dir=$1; type=$2; scope=$3
name=$(basename "$dir")
mkdir -p "$dir/src"
cat > "$dir/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "../../node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$dir/src",
  "projectType": "$([ "${dir%%/*}" = apps ] && echo application || echo library)",
  "tags": ["type:$type", "scope:$scope"],
  "targets": {
    "build": { "executor": "nx:run-commands", "options": { "command": "node tools/build.mjs $dir" } },
    "typecheck": { "executor": "nx:run-commands", "options": { "command": "tsc -p $dir/tsconfig.json --noEmit" } },
    "lint": { "executor": "nx:run-commands", "options": { "command": "eslint $dir" } },
    "test": { "executor": "nx:run-commands", "options": { "command": "jest $dir --passWithNoTests" } }
  }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "noEmit": true, "types": ["node", "jest"] },
  "include": ["src/**/*.ts", "test/**/*.ts"]
}
JSON
