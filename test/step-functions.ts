// A step file's own functions, for unit tests, without running the file: its top-level function and class
// declarations and the constants named in `names` (its imports given by the test), type-stripped and
// evaluated in a sandbox. The code tested is the step's own text, not a copy.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import ts from 'typescript';
import { filePath } from '../scripts/steps.ts';

export function stepFunctions<T>(
  file: string,
  names: readonly string[],
  imports: Record<string, unknown> = {},
): T {
  const source = ts.createSourceFile(file, readFileSync(filePath(file), 'utf8'), ts.ScriptTarget.ES2022);
  const kept = source.statements.filter(
    (statement) =>
      ts.isFunctionDeclaration(statement) ||
      ts.isClassDeclaration(statement) ||
      (ts.isVariableStatement(statement) &&
        statement.declarationList.declarations.some(
          (declaration) => ts.isIdentifier(declaration.name) && names.includes(declaration.name.text),
        )),
  );
  const code = kept.map((statement) => statement.getText(source)).join('\n');
  const { outputText } = ts.transpileModule(code, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None },
  });
  const sandbox = { Buffer, console, process, ...imports }; // the file's imports are left out: pass them here
  vm.runInNewContext(`${outputText}\nglobalThis.__exports = { ${names.join(', ')} };`, sandbox);
  return (sandbox as unknown as { __exports: T }).__exports;
}
