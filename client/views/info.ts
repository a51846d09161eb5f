/** `info`'s facts under Docker's names. Pure. */
import type { InfoView } from '../../events/requests.js';

/** The info under Docker's names, for `--format json` and templates (`{{.ServerVersion}}`). */
export function dockerInfo(info: InfoView): Record<string, unknown> {
  return {
    ID: info.id, Name: info.name, ServerVersion: info.serverVersion,
    Containers: info.containers, ContainersRunning: info.containersRunning, ContainersPaused: info.containersPaused, ContainersStopped: info.containersStopped,
    Images: info.images, Volumes: info.volumes,
    Driver: 'overlay', LoggingDriver: info.loggingDriver ?? 'json-file', CgroupDriver: 'cgroupfs', CgroupVersion: info.cgroupVersion,
    KernelVersion: info.kernelVersion, OperatingSystem: info.operatingSystem, OSType: 'linux', Architecture: info.architecture,
    NCPU: info.cpus, MemTotal: info.memoryBytes, DockerRootDir: info.rootDir, RunRoot: info.runRoot, Pid: info.pid,
    // berth's own: the daemon's config file and where each setting came from (flag, env, file, default).
    ConfigFile: info.configFile, SettingSources: info.settingSources,
    // What an acknowledged event survives: { replicas, setup, guarantee } (actors/durability.ts).
    Durability: info.durability ?? null,
  };
}
