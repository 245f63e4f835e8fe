#!/usr/bin/env node
// `moderato`: the operator's command line (doctor, migrate, server, token). From source:
// `npm run moderato -- <command>`; in the container image: `moderato <command>`.
import 'reflect-metadata';
import { readProcessEnvironment } from '@moderato/config';
import { runCli } from './cli';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

runCli(process.argv.slice(2), {
  io: {
    out: (text = '') => process.stdout.write(`${text}\n`),
    err: (text = '') => process.stderr.write(`${text}\n`),
  },
  env: readProcessEnvironment(),
  readStdin,
}).then(
  // Exit at once: an idle keep-alive connection must not hold the terminal. (Writes to a
  // terminal, file or pipe are synchronous on Linux, so nothing printed is lost.)
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('moderato failed:', error);
    process.exit(1);
  },
);
