import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { ignoreElements, tap } from 'rxjs';
import { afterAll, beforeAll } from 'vitest';
import type { Detection } from '../../detections/api.js';
import { DEFAULT_CONFIG } from '../../processor/cli/config.js';
import { enabledDetections } from '../../processor/cli/detections.js';
import { replayFiles } from '../../processor/pipeline/replay.js';
import { Delivery } from '../../processor/sinks/delivery.js';
import type { BatchOutcome, FindingSink, RejectedFinding } from '../../processor/sinks/sink.js';
import type { Finding, SecurityEvent } from '../../schemas/types.js';
import { type LocalDynamoDb, startDynalite } from '../dynamodb/local.js';
import { type KinesisLocal, startKinesisLocal } from '../kinesis/local.js';

/**
 * Polls `condition` every 50 ms until it holds; throws after `ms` with `what` and the optional `detail()`.
 *
 *   await waitFor('every record read', () => seen.length === 480, 60_000, () => `${seen.length} seen`);
 */
export async function waitFor(
  what: string,
  condition: () => Promise<boolean> | boolean,
  ms = 60_000,
  detail: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${detail()}`);
    await sleep(50);
  }
}

/** A finding sink that keeps what it accepted. */
export class MemorySink implements FindingSink {
  readonly name = 'memory';
  readonly maxBatch = 50;
  readonly findings: Finding[] = [];
  async send(findings: readonly Finding[]): Promise<BatchOutcome> {
    this.findings.push(...findings);
    return { accepted: [...findings], rejected: [], retries: 0 };
  }
  async close(): Promise<void> {}
}

/**
 * Delivery into one memory sink, rejected findings ignored (a memory sink rejects none).
 *
 *   const sink = new MemorySink(); const delivery = memoryDelivery(sink);
 */
export function memoryDelivery(sink: MemorySink): Delivery {
  const deadLetters = {
    write: async (rejected: readonly RejectedFinding[]) => void rejected,
    close: async () => {},
  };
  return new Delivery({ sinks: [sink], deadLetters, lingerMs: 20 });
}

/**
 * A detection that finds nothing and records, in push order, every CloudTrail event the pipeline hands it:
 * what the pipeline processed, without depending on any real detection.
 *
 *   const seen: SecurityEvent[] = [];
 *   new Worker({ ...options, detections: [recordingDetection(seen)] });
 */
export function recordingDetection(seen: SecurityEvent[]): Detection {
  return {
    id: 'test-event-recorder',
    title: 'Records every event (test only)',
    description: 'Keeps the events the pipeline pushed, in order; emits no finding.',
    severity: 'low',
    mitre: [],
    runbook: 'https://example.com/test',
    remediation: 'None: test only.',
    routes: [{ source: 'cloudtrail', actions: '*' }],
    operator: () => (events) =>
      events.pipe(
        tap((event) => seen.push(event)),
        ignoreElements(),
      ),
  };
}

/** The open and closed shards of a stream in ListShards order (all pages), with their starting hash keys. */
export async function listShards(
  client: KinesisClient,
  stream: string,
): Promise<{ id: string; start: string; parents: string[] }[]> {
  const shards: { id: string; start: string; parents: string[] }[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(
      new ListShardsCommand(token ? { NextToken: token } : { StreamName: stream }),
    );
    for (const shard of out.Shards ?? []) {
      shards.push({
        id: shard.ShardId as string,
        start: shard.HashKeyRange?.StartingHashKey as string,
        parents: [shard.ParentShardId, shard.AdjacentParentShardId].filter(
          (id): id is string => id !== undefined,
        ),
      });
    }
    token = out.NextToken;
  } while (token);
  return shards;
}

/** `userName` of a CreateUser event (the tests put `key:counter` there). */
export function userNameOf(event: SecurityEvent): string {
  const raw = event.raw as { requestParameters?: { userName?: unknown } };
  return String(raw.requestParameters?.userName);
}

/** The findings a worker wrote so far; a line cut by SIGKILL (never acked) is left out. */
export function findingsIn(file: string): Finding[] {
  if (!existsSync(file)) return [];
  const findings: Finding[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    try {
      if (line) findings.push(JSON.parse(line) as Finding);
    } catch {
      // the last line of a killed worker's file may be incomplete
    }
  }
  return findings;
}

/** id → count of the last version of each finding (roll-ups re-emit an id with a higher count). */
export function lastVersions(findings: readonly Finding[]): Map<string, number> {
  const versions = new Map<string, number>();
  for (const finding of findings)
    versions.set(finding.id, Math.max(versions.get(finding.id) ?? 0, finding.count));
  return versions;
}

/**
 * What `shardwatch replay` finds in `files` with the default config: the reference a consumer must match.
 *
 *   const expected = await replayFindings(['samples/cloudtrail']);
 */
export async function replayFindings(files: readonly string[]): Promise<Finding[]> {
  const { detections, params } = enabledDetections(DEFAULT_CONFIG);
  const findings: Finding[] = [];
  await replayFiles(files, {
    detections,
    params,
    latenessMs: DEFAULT_CONFIG.latenessMs,
    state: DEFAULT_CONFIG.state,
    onFinding: (finding) => findings.push(finding),
    onDeadLetter: () => undefined,
  });
  return findings;
}

/** The emulators of a describe block that spawns `shardwatch run`, and the processes to kill after it. */
export interface Emulators {
  kinesis: KinesisLocal;
  dynamo: LocalDynamoDb;
  children: ChildProcess[];
}

/**
 * Starts kinesis-local and dynalite before the block's tests; afterwards SIGKILLs every child still running
 * and stops both.
 *
 *   const env = useEmulators(); … env.children.push(spawn(…)); env.kinesis.client();
 */
export function useEmulators(): Emulators {
  const env = { children: [] as ChildProcess[] } as Emulators;
  beforeAll(async () => {
    [env.kinesis, env.dynamo] = await Promise.all([startKinesisLocal(), startDynalite()]);
  }, 60_000);
  afterAll(async () => {
    for (const child of env.children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all([env.kinesis?.stop(), env.dynamo?.stop()]);
  });
  return env;
}
