/**
 * The image store's registry and archive operations, as the worker offers them: pull, push,
 * login and logout (credentials), and the archive formats (see archive*.ts).
 */
import type { ImageRecord } from '../../events/image.js';
import type { Layout } from '../layout.js';
import { loadArchive } from './archiveLoad.js';
import { saveImages, type SaveFormat } from './archiveSave.js';
import { findCredentials, removeCredentials, storeCredentials, type Credentials } from './credentials.js';
import { insecureFromEnv, pullImage, type Pulled, type PullOptions } from './pull.js';
import { pushImage, type Pushed } from './push.js';
import type { ProgressReport } from './progress.js';
import { hostPlatform, parsePlatform } from './manifest.js';
import { RegistryClient } from './registryClient.js';
import { DOCKER_HUB, parseReference } from './reference.js';

export class ImageStore {
  constructor(private readonly layout: Layout) {}

  pull(reference: string, platform?: string, progress?: ProgressReport): Promise<Pulled> {
    return pullImage(this.layout, reference, {
      platform: platform ? parsePlatform(platform) : hostPlatform(),
      insecureRegistries: insecureFromEnv(),
      progress,
    });
  }

  /** The tags a repository has on its registry (pull -a). */
  async remoteTags(reference: string): Promise<string[]> {
    const ref = parseReference(reference);
    const credentials = await findCredentials(this.layout.authFile, ref.registry);
    return new RegistryClient(ref.registry, { insecureRegistries: insecureFromEnv(), credentials }).tags(ref.repository);
  }

  /** Sends a stored image to the registry `reference` names (a tag). */
  push(record: ImageRecord, reference: string, progress?: ProgressReport): Promise<Pushed> {
    return pushImage(this.layout, record, reference, { insecureRegistries: insecureFromEnv(), progress });
  }

  /** Every image of a docker-archive or OCI layout (tar or dir). */
  load(file: string, progress?: ProgressReport): Promise<ImageRecord[]> {
    return loadArchive(this.layout, file, progress);
  }

  save(records: ImageRecord[], file: string, format: SaveFormat, progress?: ProgressReport): Promise<void> {
    return saveImages(this.layout, records, file, format, progress);
  }

  /** Checks the credentials against the registry, then keeps them. */
  async login(server: string | undefined, credentials: Credentials): Promise<string> {
    const registry = normalizeServer(server);
    await new RegistryClient(registry, { insecureRegistries: insecureFromEnv(), credentials }).ping();
    await storeCredentials(this.layout.authFile, registry, credentials);
    return registry;
  }

  async logout(server: string | undefined): Promise<{ registry: string; removed: boolean }> {
    const registry = normalizeServer(server);
    return { registry, removed: await removeCredentials(this.layout.authFile, registry) };
  }
}

/** "https://127.0.0.1:5000/" -> "127.0.0.1:5000"; nothing, or Docker Hub's names -> "docker.io". */
export function normalizeServer(server: string | undefined): string {
  if (!server) return DOCKER_HUB;
  const host = server.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? DOCKER_HUB : host;
}
