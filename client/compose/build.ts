/**
 * Services built from `build:`: the image a service runs (`image:`, else Compose v2's
 * `<project>-<service>`), the build berth's builder is asked for, and the builds themselves,
 * through a `ServiceBuilder` the caller gives (the CLI's sends the context from disk).
 */
import path from 'node:path';
import type { BuildOptions } from '../../events/requests.js';
import { normalizeReference } from '../../runtime/images/reference.js';
import { ComposeError } from './errors.js';
import { LABEL } from './labels.js';
import type { Project, Service } from './model.js';

/** Compose's exit code when a build fails. */
const BUILD_FAILURE = 17;

/** One service's build: its context directory, its Dockerfile (absolute) and the builder's options. */
export interface ServiceBuild {
  service: string;
  /** The image's name as the service refers to it. */
  image: string;
  context: string;
  dockerfile: string;
  options: BuildOptions;
}

/** Builds one service's image; resolves with the image's id. */
export type ServiceBuilder = (build: ServiceBuild) => Promise<string>;

/** The image a service's containers run: `image:`, else `<project>-<service>` (Compose v2's name for what it builds). */
export function serviceImage(project: Project, service: Service): string {
  return service.image ?? `${project.name}-${service.name}`;
}

/** The build `up`, `run` and `compose build` ask for a service with `build:`. */
export function serviceBuild(project: Project, service: Service, noCache = false): ServiceBuild {
  const build = service.build;
  if (!build) throw new ComposeError(`service ${service.name} has no build section`);
  if (/^[a-z]+:\/\//.test(build.context) || build.context.startsWith('git@')) {
    throw new ComposeError(`service ${service.name}: build context ${build.context}: berth builds from a local directory only`, BUILD_FAILURE);
  }
  const image = serviceImage(project, service);
  let tag: string;
  try {
    tag = normalizeReference(image);
  } catch {
    throw new ComposeError(`service ${service.name}: invalid reference format: ${image}`, BUILD_FAILURE);
  }
  return {
    service: service.name,
    image,
    context: build.context,
    dockerfile: path.resolve(build.context, build.dockerfile ?? 'Dockerfile'),
    options: {
      tags: [tag],
      buildArgs: build.args ?? {},
      ...(build.target ? { target: build.target } : {}),
      noCache,
      labels: { ...build.labels, [LABEL.project]: project.name, [LABEL.service]: service.name },
      ...(build.network && build.network !== 'default' ? { network: build.network } : {}),
    },
  };
}

/** Runs one build; a failure is Compose's build failure (exit code 17), naming the service. */
export async function runBuild(builder: ServiceBuilder, build: ServiceBuild): Promise<string> {
  try {
    return await builder(build);
  } catch (cause) {
    if (cause instanceof ComposeError) throw cause;
    throw new ComposeError(`failed to solve: service ${build.service}: ${cause instanceof Error ? cause.message : String(cause)}`, BUILD_FAILURE, { cause });
  }
}
