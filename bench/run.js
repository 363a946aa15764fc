// `npm run bench`: every benchmark, each printing its figures against a baseline measured
// in the same run. Benchmarks report; they are never timed tests. Needs a build (`npm run
// build`) and, for the inventory benchmarks, the mariadb-server and postgresql packages.
import { benchDemo, formatDemo } from './demo.js';
import { benchMysqlInventory, formatMysqlInventory } from './inventory-mysql.js';
import { benchPostgresInventory, formatPostgresInventory } from './inventory-postgres.js';
import { benchProvision, formatProvision } from './provision.js';
import { benchSandboxWaits, formatSandboxWaits } from './sandbox-waits.js';
import { benchStartup, formatStartup } from './startup.js';
import { benchVerifyCompare, formatVerifyCompare } from './verify-compare.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const sections = [
  () => formatStartup(benchStartup()),
  async () => formatSandboxWaits(await benchSandboxWaits()),
  async () => formatProvision(await benchProvision()),
  async () => formatDemo(await benchDemo()),
  async () => formatMysqlInventory(await benchMysqlInventory()),
  async () => formatPostgresInventory(await benchPostgresInventory()),
  async () => formatVerifyCompare(await benchVerifyCompare()),
];
for (const section of sections) {
  console.log(await section());
  console.log();
}
