/**
 * nats-server configuration for a berth cluster, pure: one file per node, with JetStream,
 * the cluster routes to every other node, and one account (BERTH) whose users are nkeys with
 * the permissions of permissions.ts. Written for Debian's nats-server 2.9.
 */
import type { Permissions } from './permissions.js';
import { ValidationError } from '../../events/errors.js';
import { AUTH_TIMEOUT_SECONDS, TLS_TIMEOUT_SECONDS } from '../server/handshake.js';

export interface ClusterNode {
  /** The server's name (unique in the cluster; JetStream's placement uses it). */
  name: string;
  /** The address clients and routes use (an IP address or DNS name). */
  address: string;
  clientPort: number;
  clusterPort: number;
}

export interface Principal {
  /** What the principal is called in comments and in the creds file name. */
  name: string;
  /** Its nkey public key (U...). */
  nkey: string;
  permissions: Permissions;
}

export interface ClusterPlan {
  /** The cluster's name. */
  cluster: string;
  nodes: ClusterNode[];
  principals: Principal[];
  /** The user and password the routes authenticate with. */
  routeUser: string;
  routePassword: string;
  /** Optional TLS for clients and routes: file paths on the node, `{node}` replaced by its name. */
  tls?: { cert: string; key: string; ca: string };
}

/** A quoted nats-server string. */
function quote(value: string): string {
  return JSON.stringify(value);
}

function list(values: string[]): string {
  return `[${values.map(quote).join(', ')}]`;
}

function permissionsBlock(p: Permissions, indent: string): string {
  const lines = [
    `${indent}permissions: {`,
    `${indent}  publish: { allow: ${list(p.publish)} }`,
    `${indent}  subscribe: { allow: ${list(p.subscribe)} }`,
  ];
  if (p.allowResponses) lines.push(`${indent}  allow_responses: true`);
  lines.push(`${indent}}`);
  return lines.join('\n');
}

function tlsBlock(tls: ClusterPlan['tls'], node: string, indent: string): string[] {
  if (!tls) return [];
  const file = (template: string) => quote(template.replaceAll('{node}', node));
  return [`${indent}tls: { cert_file: ${file(tls.cert)}, key_file: ${file(tls.key)}, ca_file: ${file(tls.ca)}, timeout: ${TLS_TIMEOUT_SECONDS} }`];
}

/** The configuration of one node of the plan; `storeDir` is where its JetStream files go. */
export function nodeConfig(plan: ClusterPlan, nodeName: string, storeDir: string): string {
  const node = plan.nodes.find((n) => n.name === nodeName);
  if (!node) throw new ValidationError(`no node ${nodeName} in the plan`);
  const routes = plan.nodes
    .filter((n) => n.name !== node.name)
    .map((n) => `nats-route://${plan.routeUser}:${plan.routePassword}@${n.address}:${n.clusterPort}`);
  const users = plan.principals.map((p) => [
    `      # ${p.name}`,
    `      { nkey: ${quote(p.nkey)}`,
    permissionsBlock(p.permissions, '        '),
    '      }',
  ].join('\n'));
  return [
    `# berth cluster ${plan.cluster}, node ${node.name} (written by berth-cluster)`,
    `server_name: ${quote(node.name)}`,
    `listen: ${quote(`${node.address}:${node.clientPort}`)}`,
    'max_payload: 8MB',
    // The handshake's limits, for clients and routes: see handshake.ts. The users are the account's.
    `authorization { timeout: ${AUTH_TIMEOUT_SECONDS} }`,
    ...tlsBlock(plan.tls, node.name, ''),
    `jetstream { store_dir: ${quote(storeDir)} }`,
    'cluster {',
    `  name: ${quote(plan.cluster)}`,
    `  listen: ${quote(`${node.address}:${node.clusterPort}`)}`,
    `  authorization { user: ${quote(plan.routeUser)}, password: ${quote(plan.routePassword)}, timeout: ${AUTH_TIMEOUT_SECONDS} }`,
    ...tlsBlock(plan.tls, node.name, '  '),
    `  routes: ${list(routes)}`,
    '}',
    'accounts {',
    '  BERTH {',
    '    jetstream: enabled',
    '    users: [',
    users.join('\n'),
    '    ]',
    '  }',
    '}',
    '',
  ].join('\n');
}
