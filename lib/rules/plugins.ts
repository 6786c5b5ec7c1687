/**
 * Rule-type plugins: a rules file may list `"plugins": ["./my-rules.js", "some-package"]`, each a
 * module exporting `ruleTypes` (name → `defineRuleType(...)`). Importing is async, so plugins
 * are loaded by {@link loadRulesFileWithPlugins}; the sync `loadRulesFile` stays as it was.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILTIN_RULE_TYPES, ConfigError, parseRulesJson, type ConfigOptions, type RulesConfig, type RuleType } from './config.js';

/** What a plugin module exports. */
export interface RulesPlugin {
  /** Rule types by the name a rules file uses in `"type"`. */
  ruleTypes: Record<string, RuleType>;
}

/** Options of {@link loadRulesFileWithPlugins}. */
export interface PluginConfigOptions extends ConfigOptions {
  /**
   * Plugins already imported, by the specifier the rules file lists them under; these are not
   * imported again. The CDK construct's generated Lambda entry passes them, so the bundle holds them.
   * @default {}
   */
  plugins?: Record<string, RulesPlugin> | undefined;
}

/** A configuration with the plugins it was loaded with. */
export interface RulesConfigWithPlugins extends RulesConfig {
  /** The plugin specifiers as the file lists them. */
  plugins: string[];
}

/** The `plugins` list of a parsed rules file (empty when absent or malformed: the schema reports that). */
export function pluginSpecifiers(json: unknown): string[] {
  const list = json && typeof json === 'object' ? (json as { plugins?: unknown }).plugins : undefined;
  return Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string' && s.length > 0) : [];
}

/**
 * Where a plugin specifier points: `./x.js`, `../x.js` and absolute paths against `baseDir`
 * (the rules file's folder); bare names by Node resolution from `baseDir`.
 *
 * Bare names resolve with the `require`/`node`/`default` export conditions (Node 20 has no
 * import-condition resolution from a chosen folder), so a package must expose one of those.
 *
 * @throws {ConfigError} naming the plugin when it cannot be resolved.
 */
export function resolvePlugin(specifier: string, baseDir: string, index = 0): string {
  const relative = specifier.startsWith('./') || specifier.startsWith('../') || path.isAbsolute(specifier);
  try {
    return createRequire(path.join(baseDir, 'rules.json')).resolve(relative ? path.resolve(baseDir, specifier) : specifier);
  } catch (err) {
    throw new ConfigError([
      `plugins[${index}]: cannot resolve plugin "${specifier}" from ${baseDir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    ]);
  }
}

/** Checks a plugin module's shape; returns its rule types. */
function ruleTypesOf(mod: unknown, specifier: string, index: number): Record<string, RuleType> {
  const types = mod && typeof mod === 'object' ? (mod as { ruleTypes?: unknown }).ruleTypes : undefined;
  if (!types || typeof types !== 'object')
    throw new ConfigError([`plugins[${index}]: "${specifier}" does not export ruleTypes (a record of rule type name → defineRuleType(...))`]);
  const problems = Object.entries(types as Record<string, unknown>)
    .filter(([, t]) => !t || typeof (t as RuleType).create !== 'function' || typeof (t as RuleType).schema?.safeParse !== 'function')
    .map(([name]) => `plugins[${index}]: "${specifier}" rule type "${name}" is not a defineRuleType({ schema, create })`);
  if (problems.length) throw new ConfigError(problems);
  return types as Record<string, RuleType>;
}

/** Merges plugin rule types over the base types; a name defined twice is an error naming both. */
function mergeTypes(base: Record<string, RuleType>, loaded: { specifier: string; types: Record<string, RuleType> }[]): Record<string, RuleType> {
  const merged = { ...base };
  const owner = new Map<string, string>(Object.keys(base).map((n) => [n, 'the built-in types']));
  const problems: string[] = [];
  loaded.forEach(({ specifier, types }, i) => {
    for (const [name, type] of Object.entries(types)) {
      const taken = owner.get(name);
      if (taken) problems.push(`plugins[${i}]: "${specifier}" defines rule type "${name}", already defined by ${taken}`);
      owner.set(name, `"${specifier}"`);
      merged[name] = type;
    }
  });
  if (problems.length) throw new ConfigError(problems);
  return merged;
}

/**
 * Imports the listed plugins (relative to `baseDir`) and returns the rule types: `base` plus
 * every plugin's.
 *
 * @throws {ConfigError} naming the plugin that cannot be resolved, imported or has no `ruleTypes`.
 */
export async function loadPluginTypes(
  specifiers: string[],
  baseDir: string,
  options: { base?: Record<string, RuleType>; plugins?: Record<string, RulesPlugin> | undefined } = {},
): Promise<Record<string, RuleType>> {
  const loaded = [];
  for (const [i, specifier] of specifiers.entries()) {
    let mod: unknown = options.plugins?.[specifier];
    if (!mod) {
      const file = resolvePlugin(specifier, baseDir, i);
      try {
        mod = await import(pathToFileURL(file).href);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const hint =
          code === 'ERR_UNKNOWN_FILE_EXTENSION' ? ': Node does not run TypeScript itself; precompile the plugin (tsc) or run with `node --import tsx`' : '';
        throw new ConfigError([`plugins[${i}]: cannot import "${specifier}" (${file}): ${(err as Error).message}${hint}`]);
      }
    }
    loaded.push({ specifier, types: ruleTypesOf(mod, specifier, i) });
  }
  return mergeTypes(options.base ?? BUILTIN_RULE_TYPES, loaded);
}

/**
 * Loads plugins synchronously with `require` (Node ≥ 20.19 requires ES modules without top-level
 * await): for callers that cannot wait, such as a CDK construct validating at synth.
 *
 * @throws {ConfigError} as {@link loadPluginTypes}, and when a plugin cannot be required.
 */
export function loadPluginTypesSync(specifiers: string[], baseDir: string, base: Record<string, RuleType> = BUILTIN_RULE_TYPES): Record<string, RuleType> {
  const require = createRequire(path.join(baseDir, 'rules.json'));
  const loaded = specifiers.map((specifier, i) => {
    const file = resolvePlugin(specifier, baseDir, i);
    let mod: unknown;
    try {
      mod = require(file);
    } catch (err) {
      throw new ConfigError([`plugins[${i}]: cannot load "${specifier}" (${file}) synchronously: ${(err as Error).message}`]);
    }
    return { specifier, types: ruleTypesOf(mod, specifier, i) };
  });
  return mergeTypes(base, loaded);
}

/**
 * Parses JSON rules text, importing the plugins it lists (relative to `baseDir`) first.
 *
 * @throws {ConfigError} with every problem named.
 */
export async function parseRulesJsonWithPlugins(
  text: string,
  source: string,
  baseDir: string,
  options: PluginConfigOptions = {},
): Promise<RulesConfigWithPlugins> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ...parseRulesJson(text, source, options), plugins: [] }; // reports the syntax error
  }
  const specifiers = pluginSpecifiers(json);
  let types = options.types;
  if (specifiers.length) {
    try {
      types = await loadPluginTypes(specifiers, baseDir, { base: options.types ?? BUILTIN_RULE_TYPES, plugins: options.plugins });
    } catch (err) {
      if (err instanceof ConfigError) throw new ConfigError(err.problems, source);
      throw err;
    }
  }
  return { ...parseRulesJson(text, source, { ...options, types }), plugins: specifiers };
}

/**
 * Reads a JSON rules file, imports the plugins it lists (relative to the file's folder; bare
 * names by Node resolution from there) and validates it with the built-in and plugin rule types.
 * Use this instead of the sync `loadRulesFile` when a file may list plugins.
 *
 * @throws {ConfigError} with every problem named, the plugin named when one fails.
 */
export async function loadRulesFileWithPlugins(file: string, options: PluginConfigOptions = {}): Promise<RulesConfigWithPlugins> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`], file);
  }
  return parseRulesJsonWithPlugins(text, file, path.dirname(path.resolve(file)), options);
}
