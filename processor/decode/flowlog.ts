import { stableId } from '../../detections/finding.js';
import type { JsonObject, SecurityEvent } from '../../schemas/types.js';
import { DecodeError } from './dead-letter.js';
import { emptyFlowRecord, flowAction, flowEvent } from './flow-event.js';
import type { FlowFormat } from './flow-format.js';
import type { DecodeContext } from './options.js';

const WHITESPACE = /\s+/;
/** Tabs, double spaces, leading or trailing blanks: the line needs the general split. */
const IRREGULAR_SPACING = /\s\s|\t|^\s|\s$/;

/**
 * Decodes one VPC flow-log text line in the given format; `-` fields are null. Only its event time when
 * the prefilter does not want its action; throws DecodeError('flow_line_invalid') for a line that does
 * not fit the format.
 *
 *   decodeFlowLine('2 123456789010 eni-1 10.0.0.1 10.0.0.2 443 49152 6 10 840 1700000000 1700000060 ACCEPT OK',
 *     DEFAULT_FLOW_FORMAT, decodeContext())?.action // 'ACCEPT'
 */
export function decodeFlowLine(
  line: string,
  format: FlowFormat,
  context: DecodeContext,
  id?: string,
): SecurityEvent | number {
  // AWS separates fields by one space: split on it, unless the line is spaced otherwise.
  const regular = !IRREGULAR_SPACING.test(line);
  const tokens = regular ? line.split(' ') : line.trim().split(WHITESPACE);
  const columns = format.columns;
  if (tokens.length !== columns.length) {
    throw new DecodeError(
      'flow_line_invalid',
      `${tokens.length} fields where the format has ${columns.length}`,
    );
  }
  const flow = emptyFlowRecord();
  // Column names are validated field names (lower-case letters, digits, dashes): never `__proto__`.
  const raw: JsonObject = {};
  let account: string | null = null;
  let region: string | null = null;
  for (let index = 0; index < columns.length; index += 1) {
    const column = columns[index] as FlowFormat['columns'][number];
    const token = tokens[index] as string;
    const text = token === '-' ? null : token;
    if (column.kind === 'int' || column.kind === 'seconds') {
      const value = text === null ? null : integer(text, column.name);
      raw[column.name] = value;
      if (column.kind === 'int') flow[column.key] = value;
      else flow[column.key] = value === null ? null : value * 1000;
      continue;
    }
    raw[column.name] = text;
    if (column.kind === 'text') flow[column.key] = text;
    else if (column.name === 'account-id') account = text;
    else if (column.name === 'region') region = text;
  }
  const action = flowAction(flow);
  if (action === null) {
    throw new DecodeError(
      'flow_line_invalid',
      `no action: action '${flow.action}', log-status '${flow.logStatus}'`,
    );
  }
  if (flow.start === null) throw new DecodeError('flow_line_invalid', 'start is missing');
  if (context.wants && !context.wants('flowlog', action)) return flow.start;
  const identity = regular ? line : line.trim();
  return flowEvent(
    id === undefined
      ? { identity, flow, action, account, region, raw }
      : { identity, id, flow, action, account, region, raw },
  );
}

/**
 * The id decodeFlowLine gives the line's event: a decode thread computes it, so the pipeline thread does not hash.
 *
 *   flowLineId('2 123456789010 eni-1 …') === decodeFlowLine('2 123456789010 eni-1 …', format, context).id
 */
export function flowLineId(line: string): string {
  return stableId('flow', IRREGULAR_SPACING.test(line) ? line.trim() : line);
}

/** A non-negative decimal integer that a number holds exactly. */
function integer(text: string, name: string): number {
  if (text.length === 0) throw new DecodeError('flow_line_invalid', `${name} is empty`);
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x30 || code > 0x39) {
      throw new DecodeError('flow_line_invalid', `${name} '${text.slice(0, 32)}' is not a number`);
    }
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new DecodeError('flow_line_invalid', `${name} '${text.slice(0, 32)}' is out of range`);
  }
  return value;
}
