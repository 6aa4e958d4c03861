/**
 * A stand-in for a running server: takes the data directory's lock like the server does, prints
 * its pid, and holds the lock until it is killed.
 */
import { lockDataDir } from '../../src/db/data-dir-lock.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: hold-data-dir-lock <dataDir>');
lockDataDir(dataDir, 'a test lock holder');
console.log(`locked ${process.pid}`);
setInterval(() => {}, 60_000);
