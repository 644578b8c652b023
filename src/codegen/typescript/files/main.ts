#!/usr/bin/env node
/**
 * The command line entry point (`npm start`, or the package's bin).
 */

import { main } from "./server.js";

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
