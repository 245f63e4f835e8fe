/**
 * Named prepared statements (see hot-path.ts) are registered here when their store builds them,
 * so a test can check every one — reads and writes — against the schema the migrations build:
 * PostgreSQL resolves every table and column name when it prepares a statement, so a renamed
 * column fails that test (apps/api/test/prepared-statements.int-spec.ts), not production.
 * Build statement text from `EntityColumns` (`select()`, `column()`, `table`) where you can: then
 * a renamed property fails the type check too.
 */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

const registry = new Map<string, NamedStatement>();

/** Declares (and registers) a named prepared statement. Names start with `moderato_`. */
export function namedStatement(name: string, text: string): NamedStatement {
  if (!/^moderato_[a-z0-9_]+$/.test(name)) throw new Error(`A prepared statement's name is moderato_<snake_case>: ${name}`);
  const existing = registry.get(name);
  // pg keeps one statement per name and connection: two texts under one name would run the wrong one.
  if (existing && existing.text !== text) throw new Error(`Two different prepared statements are named ${name}`);
  const statement = existing ?? Object.freeze({ name, text });
  registry.set(name, statement);
  return statement;
}

/** Every statement registered so far (after the stores that build them were constructed). */
export function registeredStatements(): NamedStatement[] {
  return [...registry.values()];
}
