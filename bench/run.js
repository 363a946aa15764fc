// `npm run bench`: every benchmark, each printing its figures against a baseline measured
// in the same run. Benchmarks report; they are never timed tests.
import { benchSandboxWaits, formatSandboxWaits } from './sandbox-waits.js';
import { benchStartup, formatStartup } from './startup.js';

console.log(formatStartup(benchStartup()));
console.log();
console.log(formatSandboxWaits(await benchSandboxWaits()));
