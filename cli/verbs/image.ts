/** The image verbs and their flags. */
import { Option, type Command } from 'commander';
import { collect, type Verb } from './verb.js';

export function registerImageVerbs(program: Command, verb: Verb): void {
  const list = (cmd: Command) => cmd.argument('[reference]', 'REPOSITORY[:TAG]: only these').option('-q, --quiet', 'only ids')
    .option('-a, --all', 'show intermediate images too (untagged build steps)')
    .option('--digests', 'show digests')
    .option('--no-trunc', 'do not truncate ids')
    .option('-f, --filter <key=value>', 'dangling, reference, label, before, since (repeatable)', collect, [])
    .addOption(new Option('--format <format>', 'table (default), json, or a Go template like \'{{.ID}}\'')).action(verb('images'));
  list(program.command('images').description('List images'));
  const importer = (cmd: Command) => cmd.description('Import a root filesystem tarball as an image')
    .argument('<file>', 'a tar (plain or gzip), or - for one on stdin').argument('[reference]')
    .option('-c, --change <instruction>', 'apply a Dockerfile instruction: CMD, ENTRYPOINT, ENV, LABEL, EXPOSE, USER, WORKDIR, VOLUME, STOPSIGNAL (repeatable)', collect, [])
    .option('-m, --message <text>', 'commit message (shown by history)')
    .action(verb('import'));
  importer(program.command('import'));
  const image = program.command('image').description('Manage images');
  importer(image.command('import'));
  list(image.command('ls').alias('list').description('List images'));
  const pull = (cmd: Command) => cmd.description('Download an image from a registry').argument('<reference>', 'NAME[:TAG|@DIGEST]')
    .option('--platform <platform>', 'os/arch[/variant] (default: this host\'s)').option('-q, --quiet', 'print only the reference')
    .option('-a, --all-tags', 'every tag of the repository')
    .action(verb('pull'));
  pull(program.command('pull'));
  pull(image.command('pull'));
  const push = (cmd: Command) => cmd.argument('<reference>', 'NAME[:TAG]')
    .option('-a, --all-tags', 'push every local tag of the repository').option('-q, --quiet', 'print only the references pushed')
    .action(verb('push'));
  push(program.command('push').description('Upload an image to a registry'));
  push(image.command('push').description('Upload an image to a registry'));
  program.command('tag').description('Create a tag TARGET that refers to SOURCE').argument('<source>').argument('<target>').action(verb('tag'));
  image.command('tag').argument('<source>').argument('<target>').action(verb('tag'));
  program.command('load').description('Load images from a docker-archive or OCI layout').option('-i, --input <file>', 'the archive (tar) or OCI layout dir')
    .option('-q, --quiet').action(verb('load'));
  image.command('load').option('-i, --input <file>').option('-q, --quiet').action(verb('load'));
  program.command('save').description('Save images to a tar archive').argument('<images...>')
    .option('-o, --output <file>', 'the archive to write (default: stdout, which must not be a terminal)').option('--format <format>', 'docker-archive (default) or oci-archive')
    .action(verb('save'));
  image.command('save').argument('<images...>').option('-o, --output <file>').option('--format <format>').action(verb('save'));
  program.command('history').description('Show the history of an image').argument('<image>')
    .option('--no-trunc', 'do not truncate').option('-q, --quiet', 'only ids').action(verb('history'));
  image.command('history').argument('<image>').option('--no-trunc').option('-q, --quiet').action(verb('history'));
  program.command('login').description('Log in to a registry').argument('[server]')
    .option('-u, --username <username>').option('-p, --password <password>').option('--password-stdin', 'read the password from stdin')
    .action(verb('login'));
  program.command('logout').description('Log out from a registry').argument('[server]').action(verb('logout'));
  image.command('prune').description('Remove dangling images, or every image no container uses with -a')
    .option('-a, --all', 'every image no container uses').option('-f, --force', 'do not ask for confirmation')
    .action(verb('imagePrune'));
  image.command('inspect').description('Show images as JSON').argument('<images...>')
    .option('-f, --format <format>', 'json (default) or a Go template like \'{{.Id}}\'')
    .addOption(new Option('--type <type>').default('image').hideHelp()).action(verb('inspect'));
  const build = (cmd: Command) => cmd.description('Build an image from a Dockerfile').argument('<context>', 'a directory, a URL (git repository, or http(s) to a tar or a Dockerfile), or - for a tar (or a Dockerfile) on stdin')
    .option('-t, --tag <name>', 'name:tag for the image (repeatable)', collect, [])
    .option('-f, --file <file>', 'the Dockerfile (default: PATH/Dockerfile; - for stdin)')
    .option('--build-arg <key=value>', 'a build-time variable (repeatable; KEY alone takes it from the environment)', collect, [])
    .option('--target <stage>', 'the stage to build')
    .option('--no-cache', 'do not use the cache')
    .option('--label <key=value>', 'a label for the image (repeatable)', collect, [])
    .option('--network <mode>', 'the RUN steps\' network: none (default), host, or a network\'s name')
    .option('-q, --quiet', 'print only the image id')
    .option('--iidfile <file>', 'write the image id to the file')
    .option('--progress <mode>', 'auto, plain, tty or quiet (all print BuildKit\'s plain lines for now)')
    .option('--platform <platform>', 'the host\'s platform only')
    .option('--add-host <host:ip>', 'an /etc/hosts line for the RUN steps (repeatable)', collect, [])
    .action(verb('build'));
  build(program.command('build'));
  build(image.command('build'));
  program.command('rmi').description('Remove images').argument('<images...>')
    .option('-f, --force', 'remove even when a container uses it').action(verb('rmi'));
}
