/**
 * A log driver's `tag`, as dockerd's loggerutils.ParseLogTag renders it: a Go template over the
 * container's logger.Info. `{{.ID}}` is the short id, `{{.FullID}}` the full one, `{{.Name}}`
 * the name, `{{.ImageID}}` the first 12 characters of the image id ("sha256:…", as dockerd cuts
 * it), `{{.ImageFullID}}`, `{{.ImageName}}` the reference it was created from, `{{.Command}}`
 * the command line, `{{.DaemonName}}` "berth", `{{.Hostname}}` the host's name; the fields
 * `.ContainerID`, `.ContainerName` ("/name"), `.ContainerImageID`, `.ContainerImageName`,
 * `.ContainerLabels` too. Pure.
 */
import type { ContainerConfig } from './container.js';
import { render } from './template.js';
import { parseTemplate } from './templateParse.js';

/** journald's tag when none is set (loggerutils.DefaultTemplate). */
export const DEFAULT_LOG_TAG = '{{.ID}}';

/** What a tag template is rendered with: the container, and the host's name. */
export interface LogTagSource {
  id: string;
  config: Pick<ContainerConfig, 'name' | 'image' | 'imageRef' | 'cmd' | 'labels'>;
  hostname: string;
}

/** Checks that a tag parses (at create); the parser's one line otherwise. */
export function checkLogTag(template: string): void {
  parseTemplate(template);
}

/** The tag: `template` (else `fallback`) rendered over the container's logger info; '' for an empty one. */
export function renderLogTag(template: string | undefined, source: LogTagSource, fallback = DEFAULT_LOG_TAG): string {
  const { id, config, hostname } = source;
  const imageId = config.image.startsWith('sha256:') ? config.image : `sha256:${config.image}`;
  const info = {
    ID: id.slice(0, 12), FullID: id, Name: config.name,
    ImageID: imageId.slice(0, 12), ImageFullID: imageId, ImageName: config.imageRef,
    Command: config.cmd.join(' '), DaemonName: 'berth', Hostname: hostname,
    ContainerID: id, ContainerName: `/${config.name}`, ContainerImageID: imageId, ContainerImageName: config.imageRef, ContainerLabels: config.labels,
  };
  return render(parseTemplate(template || fallback), info);
}
