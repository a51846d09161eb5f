/**
 * Imported first by the CLI's entry: zod compiles each object schema into a function at its
 * first parse (`new Function`), which pays off over many parses in the daemon and not in a
 * command that parses a few replies once. Read when a schema is constructed, so it must run
 * before any module that builds one.
 */
import * as z from 'zod';

z.config({ jitless: true });
