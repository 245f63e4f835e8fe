import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { ENV_DEFAULTS, EnvironmentVariables } from './environment';

const example = readFileSync(join(__dirname, '../../../.env.example'), 'utf8');

/** `NAME=value` or `# NAME=value` lines of .env.example. */
const documented = new Map([...example.matchAll(/^(?:# )?([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((match) => [match[1], match[2]] as const));

describe('.env.example', () => {
  const variables = [
    ...new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
        .map((m) => m.propertyName),
    ),
  ];

  it('lists every variable Moderato reads', () => {
    expect(variables.length).toBeGreaterThan(10);
    expect(variables.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('shows the real default of each variable that has one', () => {
    for (const [name, value] of Object.entries(ENV_DEFAULTS)) {
      expect({ name, value: documented.get(name) }).toEqual({ name, value });
    }
  });

  it('explains each variable in a comment above it', () => {
    for (const name of variables) {
      const lines = example.split('\n');
      const index = lines.findIndex((line) => new RegExp(`^(# )?${name}=`).test(line));
      expect({ name, comment: lines[index - 1]?.startsWith('#') }).toEqual({ name, comment: true });
    }
  });
});
