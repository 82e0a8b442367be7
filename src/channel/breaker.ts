// The OA-wide circuit breaker. Some Zalo errors are about the OA, not the message (-211 out of
// quota, -204/-205 OA disabled, permission and package codes, -242 appsecret_proof, -320/-321
// billing), and so is a token that Zalo rejects again right after a refresh. Marking replies dead
// one by one for those loses every citizen's answer. Instead the breaker opens: the sender claims
// nothing, one channel alert is raised (dashboard banner and staff webhook), and one message is
// sent as a probe after a delay that grows (probeMs × 2ⁿ, capped at 10 min). The first probe
// Zalo accepts closes the breaker, resolves the alert and lets the queue drain.
// State is per process; the alert row is shared (one open alert per kind).
export interface BreakerState {
  open: boolean;
  /** Zalo's code that opened it (null for a rejected refreshed token). */
  code: number | null;
  reason: string | null;
  since: Date | null;
  nextProbeAt: Date | null;
  probes: number;
}

export interface Breaker {
  state(): BreakerState;
  /** Open (or keep open after a failed probe). Returns true when it was closed before. */
  trip(code: number | null, reason: string): boolean;
  /** May a message be claimed now? While open: one probe at a time, when due. */
  permits(): 'yes' | 'probe' | 'no';
  /** The probe (or any send) succeeded. Returns true when it was open before. */
  succeed(): boolean;
  /** Staff pressed retry on the alert: probe now. */
  probeNow(): void;
  /** Delay until the next probe is due (ms), or null when closed. */
  msUntilProbe(): number | null;
}

const MAX_PROBE_MS = 10 * 60_000;

export function createBreaker(opts: { probeMs: number; now?: () => number }): Breaker {
  const now = opts.now ?? Date.now;
  let st: BreakerState = { open: false, code: null, reason: null, since: null, nextProbeAt: null, probes: 0 };
  let probing = false;
  const schedule = () => {
    const delay = Math.min(MAX_PROBE_MS, opts.probeMs * 2 ** Math.min(10, st.probes));
    st.nextProbeAt = new Date(now() + delay);
  };
  return {
    state: () => ({ ...st }),
    trip(code, reason) {
      const wasClosed = !st.open;
      if (wasClosed) st = { open: true, code, reason, since: new Date(now()), nextProbeAt: null, probes: 0 };
      else st = { ...st, code, reason, probes: st.probes + 1 };
      probing = false;
      schedule();
      return wasClosed;
    },
    permits() {
      if (!st.open) return 'yes';
      if (probing || !st.nextProbeAt || st.nextProbeAt.getTime() > now()) return 'no';
      probing = true;
      return 'probe';
    },
    succeed() {
      const wasOpen = st.open;
      st = { open: false, code: null, reason: null, since: null, nextProbeAt: null, probes: 0 };
      probing = false;
      return wasOpen;
    },
    probeNow() {
      probing = false;
      if (st.open) st.nextProbeAt = new Date(now());
    },
    msUntilProbe() {
      if (!st.open || !st.nextProbeAt) return null;
      return Math.max(0, st.nextProbeAt.getTime() - now());
    },
  };
}
