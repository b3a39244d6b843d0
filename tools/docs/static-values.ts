import path from 'node:path';
import ts from 'typescript';
import type { SourceFile } from './source-set';

/**
 * A small, syntax-only evaluator: what an expression in a source file stands for, when it is built from values
 * libs/contracts exports (`MessageReceivedV1`, `GatewayRequestsByType.vk.send`), string literals and `const`s
 * initialised with such expressions (in scope, or exported by a relative import). No type checker: the whole
 * workspace's program takes many seconds to build, this takes milliseconds.
 */
export type Evaluation =
  /** `dynamic`: an element access with a key only known at run time stood for every value of the object. */
  | { ok: true; values: unknown[]; dynamic: boolean }
  /** `parameter`: the value is a function parameter (a pass-through: the caller's argument is what counts). */
  | { ok: false; reason: 'parameter' | 'unresolved'; text: string };

export interface ParsedFile {
  file: SourceFile;
  ast: ts.SourceFile;
}

type Binding =
  | { kind: 'const'; initializer: ts.Expression; in: ParsedFile }
  | { kind: 'import'; module: string; name: string; in: ParsedFile }
  | { kind: 'namespace'; module: string; in: ParsedFile }
  | { kind: 'parameter' }
  | { kind: 'unknown' };

const MAX_DEPTH = 16;

export class StaticValues {
  private readonly files = new Map<string, ParsedFile>();

  /** @param modules what a bare import resolves to, e.g. `{ '@parley/contracts': contracts }`. */
  constructor(
    sources: readonly SourceFile[],
    private readonly modules: Readonly<Record<string, object>>,
  ) {
    for (const file of sources) {
      this.files.set(file.path, { file, ast: ts.createSourceFile(file.path, file.text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS) });
    }
  }

  parsed(filePath: string): ParsedFile {
    const parsed = this.files.get(filePath);
    if (!parsed) throw new Error(`${filePath} is not part of the scanned sources`);
    return parsed;
  }

  evaluate(expression: ts.Expression, where: ParsedFile, depth = 0): Evaluation {
    const text = expression.getText(where.ast);
    const fail = (reason: 'parameter' | 'unresolved'): Evaluation => ({ ok: false, reason, text });
    if (depth > MAX_DEPTH) return fail('unresolved');
    if (ts.isParenthesizedExpression(expression) || ts.isAsExpression(expression) || ts.isNonNullExpression(expression) || ts.isSatisfiesExpression(expression)) {
      return this.evaluate(expression.expression, where, depth + 1);
    }
    if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) return { ok: true, values: [expression.text], dynamic: false };
    if (ts.isNumericLiteral(expression)) return { ok: true, values: [Number(expression.text)], dynamic: false };
    if (ts.isIdentifier(expression)) return this.evaluateBinding(this.bindingOf(expression, where), text, depth);
    if (ts.isPropertyAccessExpression(expression)) {
      if (expression.expression.kind === ts.SyntaxKind.ThisKeyword) return fail('unresolved');
      return this.member(this.evaluate(expression.expression, where, depth + 1), expression.name.text, text);
    }
    if (ts.isElementAccessExpression(expression)) {
      const target = this.evaluate(expression.expression, where, depth + 1);
      const key = expression.argumentExpression;
      if (ts.isStringLiteral(key) || ts.isNumericLiteral(key) || ts.isNoSubstitutionTemplateLiteral(key)) return this.member(target, key.text, text);
      if (!target.ok) return target;
      const values = target.values.flatMap((v) => (typeof v === 'object' && v !== null ? Object.values(v) : []));
      return values.length > 0 ? { ok: true, values, dynamic: true } : fail('unresolved');
    }
    return fail('unresolved');
  }

  /** The properties of an object literal, each evaluated (spreads and computed keys are skipped). */
  evaluateObject(expression: ts.Expression, where: ParsedFile): Map<string, Evaluation> | undefined {
    if (!ts.isObjectLiteralExpression(expression)) return undefined;
    const out = new Map<string, Evaluation>();
    for (const property of expression.properties) {
      if (ts.isPropertyAssignment(property) && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) {
        out.set(property.name.text, this.evaluate(property.initializer, where));
      } else if (ts.isShorthandPropertyAssignment(property)) {
        out.set(property.name.text, this.evaluate(property.name, where));
      }
    }
    return out;
  }

  private member(target: Evaluation, name: string, text: string): Evaluation {
    if (!target.ok) return target;
    const values = target.values.flatMap((v) => (typeof v === 'object' && v !== null && name in v ? [(v as Record<string, unknown>)[name]] : []));
    return values.length > 0 ? { ok: true, values, dynamic: target.dynamic } : { ok: false, reason: 'unresolved', text };
  }

  private evaluateBinding(binding: Binding, text: string, depth: number): Evaluation {
    switch (binding.kind) {
      case 'const':
        return this.evaluate(binding.initializer, binding.in, depth + 1);
      case 'namespace':
      case 'import': {
        const exported = this.exportedBy(binding.module, binding.in, binding.kind === 'import' ? binding.name : undefined, depth);
        return exported ?? { ok: false, reason: 'unresolved', text };
      }
      case 'parameter':
        return { ok: false, reason: 'parameter', text };
      case 'unknown':
        return { ok: false, reason: 'unresolved', text };
    }
  }

  /** What `import { name } from module` (or the namespace when `name` is undefined) stands for. */
  private exportedBy(module: string, from: ParsedFile, name: string | undefined, depth: number): Evaluation | undefined {
    const external = this.modules[module];
    if (external) {
      if (name === undefined) return { ok: true, values: [external], dynamic: false };
      return name in external ? { ok: true, values: [(external as Record<string, unknown>)[name]], dynamic: false } : undefined;
    }
    if (!module.startsWith('.') || name === undefined) return undefined;
    const target = this.relative(from.file.path, module);
    if (!target) return undefined;
    for (const statement of target.ast.statements) {
      if (ts.isVariableStatement(statement) && statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
        for (const decl of statement.declarationList.declarations) {
          if (ts.isIdentifier(decl.name) && decl.name.text === name && decl.initializer) return this.evaluate(decl.initializer, target, depth + 1);
        }
      }
      if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
        const spec = statement.exportClause;
        const reexported = spec && ts.isNamedExports(spec) ? spec.elements.find((e) => e.name.text === name) : undefined;
        if (reexported) return this.exportedBy(statement.moduleSpecifier.text, target, (reexported.propertyName ?? reexported.name).text, depth + 1);
        if (!spec) {
          const found = this.exportedBy(statement.moduleSpecifier.text, target, name, depth + 1);
          if (found?.ok) return found;
        }
      }
    }
    return undefined;
  }

  private relative(fromPath: string, module: string): ParsedFile | undefined {
    const base = path.posix.join(path.posix.dirname(fromPath), module);
    return this.files.get(`${base}.ts`) ?? this.files.get(`${base}/index.ts`);
  }

  /** The declaration an identifier refers to: the nearest enclosing scope that declares its name. */
  private bindingOf(identifier: ts.Identifier, where: ParsedFile): Binding {
    const name = identifier.text;
    for (let from: ts.Node = identifier, node: ts.Node | undefined = identifier.parent; node; from = node, node = node.parent) {
      // A method's decorators are evaluated outside it: its parameters are not in their scope.
      const inScope = !ts.isDecorator(from);
      if (inScope && ts.isFunctionLike(node) && node.parameters.some((p) => declaresName(p.name, name))) return { kind: 'parameter' };
      if (ts.isCatchClause(node) && node.variableDeclaration && declaresName(node.variableDeclaration.name, name)) return { kind: 'unknown' };
      if ((ts.isForOfStatement(node) || ts.isForInStatement(node) || ts.isForStatement(node)) && node.initializer && ts.isVariableDeclarationList(node.initializer)) {
        if (node.initializer.declarations.some((d) => declaresName(d.name, name))) return { kind: 'unknown' };
      }
      const statements = ts.isSourceFile(node) || ts.isBlock(node) || ts.isModuleBlock(node) || ts.isCaseClause(node) || ts.isDefaultClause(node) ? node.statements : undefined;
      if (!statements) continue;
      for (const statement of statements) {
        const found = declarationIn(statement, name, where);
        if (found) return found;
      }
    }
    return { kind: 'unknown' };
  }
}

function declaresName(binding: ts.BindingName, name: string): boolean {
  if (ts.isIdentifier(binding)) return binding.text === name;
  return binding.elements.some((e) => !ts.isOmittedExpression(e) && declaresName(e.name, name));
}

function declarationIn(statement: ts.Statement, name: string, where: ParsedFile): Binding | undefined {
  if (ts.isVariableStatement(statement)) {
    const isConst = (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
    for (const decl of statement.declarationList.declarations) {
      if (!declaresName(decl.name, name)) continue;
      return isConst && ts.isIdentifier(decl.name) && decl.initializer ? { kind: 'const', initializer: decl.initializer, in: where } : { kind: 'unknown' };
    }
  }
  if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name?.text === name) {
    return { kind: 'unknown' };
  }
  if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
    const module = statement.moduleSpecifier.text;
    const clause = statement.importClause;
    if (!clause || clause.isTypeOnly) return undefined;
    if (clause.name?.text === name) return { kind: 'unknown' };
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings) && bindings.name.text === name) return { kind: 'namespace', module, in: where };
    if (bindings && ts.isNamedImports(bindings)) {
      const element = bindings.elements.find((e) => e.name.text === name && !e.isTypeOnly);
      if (element) return { kind: 'import', module, name: (element.propertyName ?? element.name).text, in: where };
    }
  }
  return undefined;
}
