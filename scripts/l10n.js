'use strict';
// Keeps l10n/bundle.l10n.json, the English bundle VS Code translates runtime messages
// from, equal to the messages the code actually asks for.
//
//   node scripts/l10n.js            rewrite l10n/bundle.l10n.json from src/
//   node scripts/l10n.js --check    change nothing; exit 1 if the bundle is stale
//
// A message is the first argument of a call to `vscode.l10n.t` or to a function of the
// core's `Translate` type (src/core/present/processText.ts), whatever local name it goes
// by (`t`, `plainText`, `vscode.l10n.t`...). The TypeScript compiler finds them, so
// comments, strings that merely contain "t(", and unrelated functions named `t` are not
// mistaken for messages, and an alias under another name is not missed.
// Both runs also list what each translation (l10n/bundle.l10n.<locale>.json) lacks or
// keeps but no longer needs, so a translator sees the work left; the unit test
// test/unit/localization.test.ts is what fails on it.

const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const ROOT = path.resolve(__dirname, '..');
const BUNDLE = path.join('l10n', 'bundle.l10n.json');

/** Every .ts file under src/, the code that ships; tests and scripts say nothing to users. */
function sourceFiles(root) {
  const files = [];
  const walk = (folder) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        files.push(full);
      }
    }
  };
  walk(path.join(root, 'src'));
  return files.sort();
}

/** The project's own compiler options, so `vscode` and the core's types resolve as in the build. */
function compilerOptions(root) {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), { noEmit: true }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  return parsed.options;
}

/** The declaration `vscode.l10n.t` in @types/vscode: function `t` in namespace `l10n`. */
function isVscodeL10nT(declaration) {
  if (!ts.isFunctionDeclaration(declaration) || declaration.name?.text !== 't') {
    return false;
  }
  const block = declaration.parent;
  return ts.isModuleBlock(block) && ts.isModuleDeclaration(block.parent) && block.parent.name.text === 'l10n';
}

/** The signature of the core's `type Translate = (message, ...args) => string`. */
function isTranslateType(declaration) {
  return ts.isFunctionTypeNode(declaration) && ts.isTypeAliasDeclaration(declaration.parent) && declaration.parent.name.text === 'Translate';
}

/**
 * When the checker cannot resolve a call (a type error mid-edit), fall back to the
 * project's spelling, `t(...)` or `….l10n.t(...)`, rather than drop a message.
 */
function looksLikeT(callee) {
  if (ts.isIdentifier(callee)) {
    return callee.text === 't';
  }
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 't' && /(^|\.)l10n$/.test(callee.expression.getText());
}

/**
 * The messages the code in src/ passes to a translation function, sorted and without
 * repeats, and `problems`: calls whose message is not a literal, which no bundle can hold.
 */
function extractMessages(root = ROOT) {
  const files = sourceFiles(root);
  const program = ts.createProgram(files, compilerOptions(root));
  const checker = program.getTypeChecker();
  const messages = new Set();
  const problems = [];

  const where = (node) => {
    const source = node.getSourceFile();
    const { line } = source.getLineAndCharacterOfPosition(node.getStart());
    return `${path.relative(root, source.fileName).split(path.sep).join('/')}:${line + 1}`;
  };

  // The callee's type rather than the resolved call: as exact for these two functions,
  // and about twice as fast, since the arguments need not be checked.
  const isTranslation = (call) => {
    const declarations = checker
      .getTypeAtLocation(call.expression)
      .getCallSignatures()
      .map((signature) => signature.getDeclaration())
      .filter(Boolean);
    if (declarations.length) {
      return declarations.some((d) => isVscodeL10nT(d) || isTranslateType(d));
    }
    return looksLikeT(call.expression);
  };

  /** `'text'`, `` `text` ``, or l10n.t's `{ message: 'text' }` form; else undefined. */
  const literalMessage = (argument) => {
    if (ts.isStringLiteral(argument) || ts.isNoSubstitutionTemplateLiteral(argument)) {
      return argument.text;
    }
    if (ts.isObjectLiteralExpression(argument)) {
      const property = (name) =>
        argument.properties.find((p) => ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name);
      const message = property('message');
      // With a comment, VS Code looks the message up under "message/comment": not supported here.
      if (message && !property('comment') && (ts.isStringLiteral(message.initializer) || ts.isNoSubstitutionTemplateLiteral(message.initializer))) {
        return message.initializer.text;
      }
    }
    return undefined;
  };

  for (const file of files) {
    const source = program.getSourceFile(file);
    const visit = (node) => {
      if (ts.isCallExpression(node) && node.arguments.length > 0 && isTranslation(node)) {
        const message = literalMessage(node.arguments[0]);
        if (message === undefined) {
          problems.push(`${where(node)}: the message is not a string literal, so it cannot be translated: ${node.arguments[0].getText()}`);
        } else {
          messages.add(message);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { messages: [...messages].sort(), problems };
}

/** The English bundle: each message maps to itself, in sorted order so diffs stay small. */
function bundleFor(messages) {
  return Object.fromEntries([...messages].sort().map((m) => [m, m]));
}

const bundleText = (bundle) => `${JSON.stringify(bundle, null, 2)}\n`;

/** Messages a translation lacks (or left empty), and ones it keeps that the code no longer asks for. */
function translationGaps(messages, translation) {
  const wanted = new Set(messages);
  return {
    missing: messages.filter((m) => typeof translation[m] !== 'string' || translation[m].trim() === ''),
    stale: Object.keys(translation).filter((m) => !wanted.has(m)),
  };
}

function main() {
  const check = process.argv.includes('--check');
  const { messages, problems } = extractMessages(ROOT);
  for (const problem of problems) {
    console.error(`warning: ${problem}`);
  }

  const file = path.join(ROOT, BUNDLE);
  const expected = bundleText(bundleFor(messages));
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  let stale = false;
  if (current !== expected) {
    let old = {};
    try {
      old = current === undefined ? {} : JSON.parse(current);
    } catch {
      // Unreadable JSON: every message counts as added, and the rewrite repairs the file.
    }
    const added = messages.filter((m) => !(m in old));
    const removed = Object.keys(old).filter((m) => !messages.includes(m));
    if (check) {
      stale = true;
      console.error(`${BUNDLE} is stale: run \`node scripts/l10n.js\` to rewrite it.`);
      added.forEach((m) => console.error(`  + ${JSON.stringify(m)}`));
      removed.forEach((m) => console.error(`  - ${JSON.stringify(m)}`));
      if (!added.length && !removed.length) {
        console.error('  (same messages; only the order or formatting differs)');
      }
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, expected);
      console.log(`wrote ${BUNDLE}: ${messages.length} messages (${added.length} added, ${removed.length} removed)`);
    }
  } else {
    console.log(`${BUNDLE} is up to date: ${messages.length} messages`);
  }

  // Translations: information only, so a half-translated bundle never blocks a rebuild.
  const folder = path.join(ROOT, 'l10n');
  const locales = fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => /^bundle\.l10n\..+\.json$/.test(f)).sort() : [];
  for (const name of locales) {
    const { missing, stale: unused } = translationGaps(messages, JSON.parse(fs.readFileSync(path.join(folder, name), 'utf8')));
    if (missing.length || unused.length) {
      console.log(`l10n/${name}: ${missing.length} to translate, ${unused.length} no longer used`);
      missing.forEach((m) => console.log(`  untranslated: ${JSON.stringify(m)}`));
      unused.forEach((m) => console.log(`  unused:       ${JSON.stringify(m)}`));
    }
  }
  process.exit(stale ? 1 : 0);
}

module.exports = { extractMessages, bundleFor, bundleText, translationGaps, BUNDLE };

if (require.main === module) {
  main();
}
