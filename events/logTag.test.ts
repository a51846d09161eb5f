import t from 'tap';
import { checkLogTag, renderLogTag } from './logTag.js';

const id = 'a'.repeat(12) + 'b'.repeat(52);
const source = { id, config: { name: 'web', image: 'c'.repeat(64), imageRef: 'busybox:latest', cmd: ['sh', '-c', 'echo hi'], labels: { team: 'core' } }, hostname: 'node1' };

t.test('the default: the short id; an empty tag is the default', async (t) => {
  t.equal(renderLogTag(undefined, source), 'aaaaaaaaaaaa');
  t.equal(renderLogTag('', source), 'aaaaaaaaaaaa');
  t.equal(renderLogTag(undefined, source, ''), '', 'json-file: no tag unless set');
});

t.test('logger.Info\'s methods and fields, as dockerd renders them', async (t) => {
  t.equal(renderLogTag('{{.Name}}/{{.ID}}', source), 'web/aaaaaaaaaaaa');
  t.equal(renderLogTag('{{.FullID}}', source), id);
  t.equal(renderLogTag('{{.ImageID}} {{.ImageName}}', source), 'sha256:ccccc busybox:latest', 'ImageID cut at 12 characters of "sha256:…", as dockerd');
  t.equal(renderLogTag('{{.ImageFullID}}', source), `sha256:${'c'.repeat(64)}`);
  t.equal(renderLogTag('{{.Command}}', source), 'sh -c echo hi');
  t.equal(renderLogTag('{{.DaemonName}}@{{.Hostname}}', source), 'berth@node1');
  t.equal(renderLogTag('{{.ContainerName}} {{index .ContainerLabels "team"}}', source), '/web core');
  t.equal(renderLogTag('{{upper .Name}}-static', source), 'WEB-static', 'functions and literal text');
  t.equal(renderLogTag('plain', source), 'plain');
});

t.test('a tag that does not parse is refused', async (t) => {
  t.throws(() => checkLogTag('{{.Name'));
  t.doesNotThrow(() => checkLogTag('{{.Name}}'));
});
