import type { SecurityEvent } from '../../../schemas/types.js';
import { principalLabel } from '../../finding.js';

/** One step of a correlated finding: what it was, and the events that played it (in event-time order). */
export interface StoryStep {
  /** Short name of the step, e.g. `user created`. */
  name: string;
  events: readonly SecurityEvent[];
}

/** A finding's evidence and context, told step by step. */
export interface Story {
  /** Every step's events, step by step, each step's in (time, id) order: the finding's evidence (capped by buildFinding). */
  events: SecurityEvent[];
  /** Per step: `stepN.name`, `.action`, `.time` (ISO), `.principal`, and `.count` when the step has several events. */
  context: Record<string, string>;
  /** `10:02:11 user created (iam:CreateUser by …) → 10:05:40 access key created (…)`: for descriptions. */
  summary: string;
}

/**
 * Tells a correlation as its steps, so the engineer reads the sequence from the finding alone. For a step of
 * several events, `action` lists their distinct actions and `time`/`principal` are those of its first event.
 *
 *   const { events, context, summary } = story([{ name: 'user created', events: [create] }, …]);
 *   buildFinding(detection, { key, trigger, events, context: { ...context, ...own }, description: summary });
 */
export function story(steps: readonly StoryStep[]): Story {
  const events: SecurityEvent[] = [];
  const context: Record<string, string> = {};
  const told: string[] = [];
  steps.forEach((step, index) => {
    const ordered = [...step.events].sort(
      (a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    const first = ordered[0];
    if (!first) return;
    const prefix = `step${index + 1}`;
    const actions = [...new Set(ordered.map((event) => event.action))].join(',');
    const principal = principalLabel(first) ?? '';
    context[`${prefix}.name`] = step.name;
    context[`${prefix}.action`] = actions;
    context[`${prefix}.time`] = new Date(first.time).toISOString();
    context[`${prefix}.principal`] = principal;
    if (ordered.length > 1) context[`${prefix}.count`] = String(ordered.length);
    events.push(...ordered);
    const who = principal ? ` by ${principal}` : '';
    const times = ordered.length > 1 ? ` ×${ordered.length}` : '';
    told.push(`${clockTime(first.time)} ${step.name} (${actions}${times}${who})`);
  });
  return { events, context, summary: told.join(' → ') };
}

/** `HH:MM:SS` UTC, for step-by-step summaries. */
function clockTime(time: number): string {
  return new Date(time).toISOString().slice(11, 19);
}
