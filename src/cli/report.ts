// npm run -s report -- [--json] [--since YYYY-MM-DD | ISO date-time]
// The insights report for the period since `--since` (default: the last 7 days): one JSON object on
// one line with --json, otherwise a readable Vietnamese summary for the weekly briefing. Same
// data-directory rule as `ask`: it never opens an embedded DATA_DIR that a running server owns.
import { parseArgs } from 'node:util';
import { DAY_MS, systemClock } from '../insights/clock.js';
import { lowConfidenceThreshold } from '../insights/index.js';
import { buildReport, formatReportVi, parseSince } from '../insights/report.js';
import { runCli } from './support.js';

let args: { json: boolean; since?: string };
try {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, since: { type: 'string' } }, allowPositionals: false });
  args = { json: Boolean(values.json), since: values.since };
} catch (err) {
  console.error(`${err instanceof Error ? err.message : err}\nUsage: npm run -s report -- [--json] [--since YYYY-MM-DD]`);
  process.exit(2);
}

const now = systemClock.now();
const since = args.since === undefined ? new Date(now.getTime() - 7 * DAY_MS) : parseSince(args.since);
if (!since) {
  console.error(`--since must be an ISO date such as 2025-06-01 (got ${JSON.stringify(args.since)}).`);
  process.exit(2);
}

await runCli(async ({ config, db }) => {
  const report = await buildReport(db, { since, clock: systemClock, lowConfidence: lowConfidenceThreshold(config) });
  console.log(args.json ? JSON.stringify(report) : formatReportVi(report));
});
