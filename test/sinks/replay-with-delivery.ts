import { DEFAULT_CONFIG } from '../../processor/cli/config.js';
import { enabledDetections } from '../../processor/cli/detections.js';
import { AckedPositions } from '../../processor/consumer/acked-positions.js';
import { type ReplayPosition, type ReplaySummary, replayFiles } from '../../processor/pipeline/replay.js';
import type { Delivery } from '../../processor/sinks/delivery.js';
import type { Finding } from '../../schemas/types.js';

/** The input name findings flushed at the end of all input (no event position) are held against. */
export const END_OF_INPUT = '(end of input)';

/** The checkpointable position of one input changed (wall clock `at`, so tests can relate it to an outage). */
export interface CheckpointChange {
  input: string;
  /** Ordinal of the event (ReplayPosition.event) up to which the input may be checkpointed. */
  position: number;
  at: number;
}

export interface ReplayIntoDeliveryResult {
  summary: ReplaySummary;
  /** Every finding submitted, in emission order. */
  findings: Finding[];
  /** The same findings with the input and event ordinal they were held against (END_OF_INPUT, 0 for the final flush). */
  submitted: { finding: Finding; input: string; event: number }[];
  /** Every change of a checkpointable position, in the order they happened. */
  checkpoints: CheckpointChange[];
  /** The final checkpointable position per input (only inputs that emitted findings). */
  finalCheckpoints: Map<string, number | undefined>;
}

/**
 * Replays files with the default catalog into `delivery`, as the `replay` command will: each finding is
 * held against the position of the event whose push emitted it (one AckedPositions per input) and released
 * when Delivery acks it; `delivery.ready()` is awaited after every decoded batch (backpressure) and
 * everything is flushed at the end. Only events that emitted findings are tracked, so a checkpoint is the
 * last such event whose findings (and every earlier one's) are acked.
 *
 *   const { checkpoints } = await replayIntoDelivery({ files, delivery });
 *   expect(checkpoints.filter((c) => c.at > outageStart && c.at < outageEnd)).toEqual([]);
 */
export async function replayIntoDelivery(o: {
  files: readonly string[];
  delivery: Delivery;
  onCheckpoint?: (change: CheckpointChange) => void;
}): Promise<ReplayIntoDeliveryResult> {
  const trackers = new Map<string, AckedPositions<number>>();
  const checkpoints: CheckpointChange[] = [];
  const findings: Finding[] = [];
  const submitted: ReplayIntoDeliveryResult['submitted'] = [];
  /** The event whose findings are being submitted; it is done once a later event emits or a batch is read. */
  let current: { input: string; tracker: AckedPositions<number>; event: number } | undefined;

  const noteCheckpoint = (input: string, tracker: AckedPositions<number>, before: number | undefined) => {
    const position = tracker.checkpointable;
    if (position === undefined || position === before) return;
    const change = { input, position, at: Date.now() };
    checkpoints.push(change);
    o.onCheckpoint?.(change);
  };
  const endCurrent = () => {
    if (!current) return;
    const { input, tracker } = current;
    const before = tracker.checkpointable;
    tracker.end();
    current = undefined;
    noteCheckpoint(input, tracker, before);
  };
  const onFinding = (finding: Finding, position: ReplayPosition | null) => {
    const input = position?.input ?? END_OF_INPUT;
    const event = position?.event ?? 0;
    if (!current || current.input !== input || current.event !== event) {
      endCurrent();
      let tracker = trackers.get(input);
      if (!tracker) {
        tracker = new AckedPositions<number>();
        trackers.set(input, tracker);
      }
      tracker.begin(event);
      current = { input, tracker, event };
    }
    const { tracker } = current;
    const release = tracker.hold();
    findings.push(finding);
    submitted.push({ finding, input, event });
    o.delivery.submit(finding, () => {
      const before = tracker.checkpointable;
      release();
      noteCheckpoint(input, tracker, before);
    });
  };

  const { detections, params } = enabledDetections(DEFAULT_CONFIG);
  const summary = await replayFiles(o.files, {
    detections,
    params,
    latenessMs: DEFAULT_CONFIG.latenessMs,
    state: DEFAULT_CONFIG.state,
    allowRules: DEFAULT_CONFIG.allowList,
    flowFormat: DEFAULT_CONFIG.flowFormat,
    onFinding,
    onDeadLetter: () => undefined,
    onProgress: async () => {
      // A batch is read only after the previous event's push returned: its findings are all submitted.
      endCurrent();
      await o.delivery.ready();
    },
  });
  endCurrent();
  await o.delivery.flush();
  const finalCheckpoints = new Map<string, number | undefined>();
  for (const [input, tracker] of trackers) finalCheckpoints.set(input, tracker.checkpointable);
  return { summary, findings, submitted, checkpoints, finalCheckpoints };
}
