/**
 * Which probe results become events, as pure rules. Every probe updates the monitor's memory
 * (status, failing streak, the last probes: what inspect shows); only a change of status is
 * recorded, and at most REPORTS_PER_WINDOW of them per REPORT_WINDOW_MS per container. A check
 * that flaps every probe would otherwise append an event every probe (37.7/s measured with a
 * 10 ms interval). A change held back is recorded at the first probe after the window has room,
 * if the status still differs from the recorded one then, so the log ends at the true status.
 */
import type { HealthProbe, HealthStatus } from '../../events/health.js';

export const REPORT_WINDOW_MS = 60_000;
export const REPORTS_PER_WINDOW = 5;
/** A report not yet seen in the recorded status (its append in flight) is not sent again before this. */
export const RESEND_AFTER_MS = 5_000;
/** Probes inspect shows, as Docker keeps. */
export const PROBE_LOG_SIZE = 5;

export interface HealthReports {
  /** When each report of the current window was sent (ms), oldest first. */
  sentAt: number[];
  /** The last status reported, and when. */
  last: { status: HealthStatus; at: number } | null;
}

export const noReports: HealthReports = { sentAt: [], last: null };

/**
 * Whether the status after a probe is reported now. `recorded`: the status the log holds
 * (the container's state), which a report changes once appended.
 */
export function decideHealthReport(
  reports: HealthReports,
  current: HealthStatus,
  recorded: HealthStatus | undefined,
  now: number,
): { report: boolean; reports: HealthReports } {
  const sentAt = reports.sentAt.filter((at) => now - at < REPORT_WINDOW_MS);
  const inFlight = reports.last?.status === current && now - reports.last.at < RESEND_AFTER_MS;
  if (current === recorded || inFlight || sentAt.length >= REPORTS_PER_WINDOW) return { report: false, reports: { ...reports, sentAt } };
  return { report: true, reports: { sentAt: [...sentAt, now], last: { status: current, at: now } } };
}

/** The probe log after one more probe: the newest PROBE_LOG_SIZE, oldest first. */
export function withProbe(log: HealthProbe[], probe: HealthProbe): HealthProbe[] {
  return [...log, probe].slice(-PROBE_LOG_SIZE);
}
