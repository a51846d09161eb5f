/**
 * Fencing and rescheduling, the pure parts (docs/MULTIHOST.md, "Fencing and rescheduling"):
 * whether a host is to be fenced, which of a lost host's containers are rescheduled and where,
 * which replacements a live host must create, and what a returning host must stop.
 */
import type { FenceRecord, Replacement, StoredFence } from '../../events/fence.js';
import type { HostStatus } from '../hostStatus.js';
import type { ContainerState } from '../container/state.js';
import { isWanted } from '../../events/containerStatus.js';
import { placeContainer } from '../placement.js';
import { DEFAULT_TIMINGS, type HostTimings } from '../../events/hostTimings.js';

/**
 * Whether a host may judge the others lost: only once its own heartbeats have gone in steadily
 * for a lost threshold and one interval more, so that every live host has had time to beat too.
 * When the heartbeat bucket had no leader (the elections after a cut link heals), every
 * heartbeat expired at once when a leader came back; a host that judged right after its own
 * first put found the others' not put yet, and fenced healthy hosts.
 */
export function mayJudgeOthers(steadySince: number | null, now: number, timings: HostTimings = DEFAULT_TIMINGS): boolean {
  return steadySince !== null && now - steadySince >= timings.hostLostMs + timings.heartbeatIntervalMs;
}

/** Whether `observer` should try to fence this host: lost, and not fenced already (a cleared record may be fenced again). */
export function shouldFence(status: HostStatus, observer: string): boolean {
  return status.host !== observer && status.state === 'lost' && status.fence?.record.state !== 'fenced';
}


/**
 * Whether a lost host's container is started elsewhere: it was running (or waiting for its
 * policy's restart) when its host was lost, its policy is `always` or `unless-stopped` (and
 * it was not stopped by a user), it was not itself fenced before, it has no volume or bind
 * mount (their data is on the lost host's disk; tmpfs mounts are fine), and it carries no
 * secrets: its -e values are sealed to the lost host's key, which no other host holds, so no
 * other host could start it with them (and no fence record, which every host reads, carries them).
 */
export function reschedulable(state: ContainerState): boolean {
  const policy = state.config?.restartPolicy?.name ?? 'no';
  if (!isWanted(state.status) || state.fenced || state.config?.sealedEnv) return false;
  if (policy !== 'always' && !(policy === 'unless-stopped' && !state.manuallyStopped)) return false;
  return !(state.config?.mounts ?? []).some((m) => m.type !== 'tmpfs');
}

export interface Plan {
  replacements: Replacement[];
  /** Reschedulable containers no ready host could take. */
  unplaced: string[];
}

/**
 * Where each reschedulable container of the lost host goes: the placement policy of `run`
 * (actors/placement.ts) over the ready hosts, with the constraints recorded in its config,
 * counting the containers placed before it, so several spread as several runs would. `newId`
 * names each replacement.
 */
export function planReplacements(containers: ContainerState[], statuses: HostStatus[], newId: () => string): Plan {
  const hosts = statuses.map((s) => (s.heartbeat ? { ...s, heartbeat: { ...s.heartbeat, capacity: { ...s.heartbeat.capacity } } } : s));
  const plan: Plan = { replacements: [], unplaced: [] };
  for (const state of [...containers].sort((a, b) => a.created - b.created || a.id.localeCompare(b.id))) {
    if (!reschedulable(state)) continue;
    let host: string;
    try {
      host = placeContainer(hosts, state.config!.constraints ?? []);
    } catch {
      plan.unplaced.push(state.id);
      continue;
    }
    const capacity = hosts.find((s) => s.host === host)!.heartbeat!.capacity;
    capacity.containersRunning += 1;
    capacity.memoryFree -= state.config!.memoryBytes ?? 0;
    plan.replacements.push({ container: state.id, host, id: newId(), config: state.config! });
  }
  return plan;
}

/** The replacements `host` still has to create: those of every record (fenced or cleared) placed on it that it does not hold. */
export function replacementsToCreate(fences: StoredFence[], host: string, held: (id: string) => boolean): Array<{ replacement: Replacement; fence: StoredFence }> {
  return fences.flatMap((fence) => fence.record.replacements
    .filter((r) => r.host === host && !held(r.id))
    .map((replacement) => ({ replacement, fence })));
}

/** A replacement's name on its new host: the old one when free there, else `<name>-<old host>` (then -2, -3...). */
export function replacementName(name: string, fromHost: string, taken: (name: string) => boolean): string {
  if (!taken(name)) return name;
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? `${name}-${fromHost}` : `${name}-${fromHost}-${n}`;
    if (!taken(candidate)) return candidate;
  }
}

/** What a returning host must stop: its containers that were rescheduled elsewhere, not yet fenced nor removed. */
export function duplicatesToStop(record: FenceRecord, containers: ContainerState[]): Array<{ id: string; replacement: Replacement }> {
  const held = new Map(containers.map((c) => [c.id, c]));
  return record.replacements.flatMap((replacement) => {
    const state = held.get(replacement.container);
    if (!state || state.fenced || state.status === 'none' || state.status === 'removed' || state.status === 'removing') return [];
    return [{ id: state.id, replacement }];
  });
}
