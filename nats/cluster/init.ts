/**
 * `berth-cluster init`: writes everything a berth cluster's NATS needs into one dir: a config
 * per node (`<node>.conf`), a creds file per host and per CLI user (`creds/<name>.creds`,
 * 0600), the operator's (`creds/operator.creds`, 0600: keep it off the hosts) and `plan.json` (the plan with public keys only, to write the configs again).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { SUBJECT_TOKEN } from '../../events/subjects.js';
import { ValidationError } from '../../events/errors.js';
import { nodeConfig, type ClusterNode, type ClusterPlan, type Principal } from './config.js';
import { createCredentials, writeCredsFile } from './credentials.js';
import { cliPermissions, hostPermissions, operatorPermissions } from './permissions.js';

/** The name of the operator's creds file (`creds/operator.creds`). */
export const OPERATOR = 'operator';

export interface InitOptions {
  dir: string;
  cluster: string;
  /** name=address[:clientPort[:clusterPort]] */
  nodes: string[];
  hosts: string[];
  users: string[];
  /** The JetStream store dir each node uses (on its own machine). */
  storeDir: (node: string) => string;
  tls?: ClusterPlan['tls'];
}

/** Parses `name=address[:clientPort[:clusterPort]]`. Pure. */
export function parseNode(spec: string): ClusterNode {
  const match = /^([A-Za-z0-9_-]+)=([^:=\s]+)(?::(\d+))?(?::(\d+))?$/.exec(spec);
  if (!match) throw new ValidationError(`invalid node "${spec}": use name=address[:clientPort[:clusterPort]]`);
  return { name: match[1], address: match[2], clientPort: Number(match[3] ?? 4222), clusterPort: Number(match[4] ?? 6222) };
}

export async function initCluster(options: InitOptions): Promise<ClusterPlan> {
  for (const name of [...options.hosts, ...options.users]) {
    if (!SUBJECT_TOKEN.test(name)) throw new ValidationError(`invalid principal name "${name}": use letters, digits, '-' and '_'`);
    if (name === OPERATOR) throw new ValidationError(`"${OPERATOR}" is the cluster's operator: name hosts and users otherwise`);
  }
  const nodes = options.nodes.map(parseNode);
  await fs.mkdir(path.join(options.dir, 'creds'), { recursive: true, mode: 0o700 });
  const principals: Principal[] = [];
  const add = async (name: string, permissions: Principal['permissions']) => {
    const credentials = createCredentials();
    await writeCredsFile(path.join(options.dir, 'creds', `${name}.creds`), credentials, name);
    principals.push({ name, nkey: credentials.publicKey, permissions });
  };
  for (const host of options.hosts) await add(host, hostPermissions(host));
  for (const user of options.users) await add(user, cliPermissions());
  await add(OPERATOR, operatorPermissions());
  const plan: ClusterPlan = {
    cluster: options.cluster,
    nodes,
    principals,
    routeUser: 'route',
    routePassword: randomBytes(18).toString('hex'),
    tls: options.tls,
  };
  for (const node of nodes) {
    await fs.writeFile(path.join(options.dir, `${node.name}.conf`), nodeConfig(plan, node.name, options.storeDir(node.name)), { mode: 0o600 });
  }
  await fs.writeFile(path.join(options.dir, 'plan.json'), `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
  return plan;
}
