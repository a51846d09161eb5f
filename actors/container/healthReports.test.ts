import t from 'tap';
import { decideHealthReport, noReports, PROBE_LOG_SIZE, REPORT_WINDOW_MS, REPORTS_PER_WINDOW, RESEND_AFTER_MS, withProbe, type HealthReports } from './healthReports.js';
import type { HealthStatus } from '../../events/health.js';

t.test('a probe that leaves the recorded status as it was is not reported', async (t) => {
  t.equal(decideHealthReport(noReports, 'healthy', 'healthy', 1000).report, false);
  t.equal(decideHealthReport(noReports, 'starting', 'starting', 1000).report, false);
});

t.test('a change of status is reported at once', async (t) => {
  const decided = decideHealthReport(noReports, 'healthy', 'starting', 1000);
  t.equal(decided.report, true);
  t.same(decided.reports, { sentAt: [1000], last: { status: 'healthy', at: 1000 } });
});

t.test('a report whose append is in flight is not sent again, until it is overdue', async (t) => {
  const sent = decideHealthReport(noReports, 'unhealthy', 'healthy', 1000).reports;
  t.equal(decideHealthReport(sent, 'unhealthy', 'healthy', 1010).report, false, 'the state has not caught up yet');
  t.equal(decideHealthReport(sent, 'unhealthy', 'healthy', 1000 + RESEND_AFTER_MS).report, true, 'a lost report is sent again');
});

t.test('a check that flaps every probe is recorded at most REPORTS_PER_WINDOW times per window', async (t) => {
  let reports: HealthReports = noReports;
  let recorded: HealthStatus = 'starting';
  let recordedCount = 0;
  let mostInWindow = 0;
  // A probe every 10 ms for 10 windows, passing and failing in turn (retries 1).
  for (let now = 0, i = 0; now < 10 * REPORT_WINDOW_MS; now += 10, i++) {
    const current: HealthStatus = i % 2 === 0 ? 'healthy' : 'unhealthy';
    const decided = decideHealthReport(reports, current, recorded, now);
    reports = decided.reports;
    if (decided.report) { recorded = current; recordedCount++; }
    mostInWindow = Math.max(mostInWindow, reports.sentAt.length);
  }
  t.equal(mostInWindow, REPORTS_PER_WINDOW);
  t.equal(recordedCount, 10 * REPORTS_PER_WINDOW, `${REPORTS_PER_WINDOW} per window instead of 6000 per minute`);
});

t.test('a change held back is recorded at the first probe after the window has room', async (t) => {
  const full: HealthReports = { sentAt: [0, 1, 2, 3, 4].map((i) => i * 1000).slice(0, REPORTS_PER_WINDOW), last: { status: 'healthy', at: 4000 } };
  t.equal(decideHealthReport(full, 'unhealthy', 'healthy', 30_000).report, false, 'held back while the window is full');
  const later = decideHealthReport(full, 'unhealthy', 'healthy', REPORT_WINDOW_MS);
  t.equal(later.report, true, 'recorded once the oldest report left the window');
  t.same(later.reports.sentAt, [...full.sentAt.slice(1), REPORT_WINDOW_MS]);
});

t.test('the probe log keeps the newest probes, oldest first', async (t) => {
  let log = withProbe([], { start: 0, end: 1, exitCode: 0, output: 'p0' });
  for (let i = 1; i < 8; i++) log = withProbe(log, { start: i, end: i + 1, exitCode: i % 2, output: `p${i}` });
  t.equal(log.length, PROBE_LOG_SIZE);
  t.same(log.map((p) => p.output), ['p3', 'p4', 'p5', 'p6', 'p7']);
});
