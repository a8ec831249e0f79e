// Global setup of the redis project: the root setup (a Redis at REDIS_URL, started
// privately when none answers) plus a private 3-master Redis Cluster (the first master with a replica) on free ports,
// whose ports the tests read with `inject('redisClusterPorts')`. At the end, every key
// the suite left behind is checked for a TTL.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { setup as setupServices, teardown as teardownServices } from '../../../test/setup/global-services.js';
import { freePort, hasRedisServer, redisAnswers } from '../../../test/setup/services.js';
import { sweepImmortalKeys, TEST_PREFIX } from './setup/sweep.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Ports of the private cluster's masters; empty when it could not be started. */
    redisClusterPorts: number[];
    /** Port of the replica of the first master (for failover tests); 0 without a cluster. */
    redisClusterReplicaPort: number;
    /** Why the cluster is missing, when it is. */
    redisClusterError: string;
  }
}

const run = promisify(execFile);

interface Node {
  readonly port: number;
  readonly dir: string;
  readonly child: ChildProcess;
}

let nodes: Node[] = [];

async function startNode(): Promise<Node> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'leakproof-cluster-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(dir, `nodes-${port}.conf`),
      '--cluster-node-timeout',
      '2000',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore', cwd: dir },
  );
  const node = { port, dir, child };
  nodes.push(node);
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100 && !(await redisAnswers(url, 200)); i++)
    await new Promise((r) => setTimeout(r, 50));
  if (!(await redisAnswers(url))) throw new Error(`cluster node on port ${port} did not start`);
  return node;
}

async function clusterOk(port: number): Promise<boolean> {
  try {
    const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
    return stdout.includes('cluster_state:ok');
  } catch {
    return false;
  }
}

async function startCluster(): Promise<{ ports: number[]; replica: number }> {
  const started = await Promise.all([startNode(), startNode(), startNode(), startNode()]);
  const ports = started.slice(0, 3).map((n) => n.port);
  const replica = started[3]!.port;
  await run('redis-cli', [
    '--cluster',
    'create',
    ...ports.map((p) => `127.0.0.1:${p}`),
    '--cluster-replicas',
    '0',
    '--cluster-yes',
  ]);
  // A replica of the first master, for failover tests.
  const { stdout: masterId } = await run('redis-cli', ['-p', String(ports[0]), 'cluster', 'myid']);
  await run('redis-cli', [
    '--cluster',
    'add-node',
    `127.0.0.1:${replica}`,
    `127.0.0.1:${ports[0]}`,
    '--cluster-slave',
    '--cluster-master-id',
    masterId.trim(),
  ]);
  for (let i = 0; i < 400; i++) {
    const states = await Promise.all([...ports, replica].map(clusterOk));
    const { stdout: info } = await run('redis-cli', ['-p', String(replica), 'info', 'replication']);
    if (states.every(Boolean) && info.includes('master_link_status:up')) return { ports, replica };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `the cluster on ports ${ports.join(', ')} (replica ${replica}) did not reach cluster_state:ok`,
  );
}

async function stopCluster(): Promise<void> {
  await Promise.all(
    nodes.map(
      (node) =>
        new Promise<void>((resolve) => {
          if (node.child.exitCode !== null || node.child.signalCode !== null) return resolve();
          node.child.once('exit', () => resolve());
          node.child.kill('SIGTERM');
        }),
    ),
  );
  for (const node of nodes) rmSync(node.dir, { recursive: true, force: true });
  nodes = [];
}

export async function setup(project: TestProject): Promise<void> {
  await setupServices();
  if (!hasRedisServer()) {
    project.provide('redisClusterPorts', []);
    project.provide('redisClusterReplicaPort', 0);
    project.provide(
      'redisClusterError',
      'redis-server is not on the PATH: install it (apt-get install -y redis-server) to run the cluster tests',
    );
    return;
  }
  try {
    const { ports, replica } = await startCluster();
    project.provide('redisClusterPorts', ports);
    project.provide('redisClusterReplicaPort', replica);
    project.provide('redisClusterError', '');
  } catch (error) {
    await stopCluster();
    project.provide('redisClusterPorts', []);
    project.provide('redisClusterReplicaPort', 0);
    project.provide('redisClusterError', `the private Redis Cluster did not start: ${String(error)}`);
  }
}

export async function teardown(): Promise<void> {
  try {
    // Every key the suite wrote must have had a TTL: anything immortal left under the test prefix fails the run.
    const url = process.env.REDIS_URL;
    const immortal = url === undefined ? [] : await sweepImmortalKeys(url, `${TEST_PREFIX}*`);
    if (immortal.length > 0) {
      // vitest reports a teardown error but does not fail the run for it: fail it here.
      process.exitCode = 1;
      throw new Error(
        `keys without a TTL were left in Redis by the redis tests: ${immortal.slice(0, 20).join(', ')}`,
      );
    }
  } finally {
    await stopCluster();
    await teardownServices();
  }
}
