/**
 * berth's layering, checked in CI (test/layers.test.ts) and by `npm run lint:layers`.
 * The layers and what each may use (docs/ARCHITECTURE.md, "Layers"):
 *   events/   contracts: schemas, codec, subjects, store interfaces, errors. Uses nothing of ours.
 *   log/      the logger. Uses events/.
 *   runtime/  the kernel and files. Uses events/, log/.
 *   nats/     every NATS implementation. Uses events/, log/, runtime/ (the run root's layout).
 *   memory/   the in-memory twins of the stores. Uses events/.
 *   actors/   the rules and the daemon. Uses events/, log/, runtime/, nats/.
 *   client/   the engine client (the CLI's and the API server's). Uses events/, nats/, runtime/,
 *             and one pure rule of actors/ (hostStatus.ts: a host's state from the log).
 *   api/      the Docker Engine API server, beside cli/: on the client layer as the CLI is. Uses
 *             client/ and events/ only; the daemon (actors/daemon.ts) starts it.
 *   cli/      flags and printing. Uses client/, events/, runtime/; the daemon's entry point only
 *             from cli/daemonRun.ts (berthd's program, bundled apart from the CLI).
 * Tests (*.test.ts, test/) may use anything; production code never uses test/.
 */
const notTest = '\\.test\\.ts$';
const rule = (name, comment, from, to, toExcept) => ({
  name, comment, severity: 'error',
  from: { path: from, pathNot: notTest },
  to: { path: to, ...(toExcept ? { pathNot: toExcept } : {}) },
});

module.exports = {
  forbidden: [
    rule('events-are-contracts', 'events/ holds contracts only: it uses nothing else of berth', '^events/', '^(log|runtime|nats|memory|actors|client|cli|test)/'),
    rule('log-stands-alone', 'log/ uses only the contracts', '^log/', '^(runtime|nats|memory|actors|client|cli|test)/'),
    rule('runtime-below-actors', 'runtime/ is the kernel and files: it never reaches up', '^runtime/', '^(nats|memory|actors|client|cli|test)/'),
    rule('nats-is-an-implementation', 'nats/ implements the contracts; it knows no actor, client or CLI', '^nats/', '^(memory|actors|client|cli|test)/'),
    rule('memory-is-an-implementation', 'memory/ implements the contracts', '^memory/', '^(log|runtime|nats|actors|client|cli|test)/'),
    rule('actors-never-reach-up', 'the daemon never imports its clients', '^actors/', '^(memory|client|cli|test)/'),
    rule('client-below-cli', 'client/ serves the CLI and the API server alike; of actors/ it reads one pure rule', '^client/', '^(memory|cli|test|actors)/', '^actors/hostStatus\\.ts$'),
    rule('cli-through-client', 'the CLI reaches the engine through client/ (of actors/, the pure host rule and the entry point below)', '^cli/', '^(memory|test|actors|api)/', '^actors/(hostStatus|daemon)\\.ts$'),
    rule('api-through-client', 'the API server reaches the engine through client/, as the CLI does', '^api/', '^(memory|runtime|nats|actors|cli|test)/'),
    {
      name: 'api-started-by-daemon', severity: 'error',
      comment: 'only the daemon starts the API server',
      from: { path: '^(actors|runtime|nats|memory|events|log|client)/', pathNot: '^actors/daemon\\.ts$|\\.test\\.ts$' },
      to: { path: '^api/' },
    },
    // The known exception, a CLI program of its own: berth-cluster writes NATS configs (cli/cluster.ts).
    { ...rule('cli-exceptions-only', 'cluster setup only', '^cli/', '^nats/'), from: { path: '^cli/', pathNot: '^cli/cluster\\.ts$' } },
    {
      name: 'daemon-entry-point', severity: 'error',
      comment: 'only `berth daemon` / berthd starts the daemon',
      from: { path: '^cli/', pathNot: '^cli/daemonRun\\.ts$' },
      to: { path: '^actors/daemon\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
