import type { JsonValue, SecurityEvent } from '../../schemas/types.js';
import { DecodeError } from './dead-letter.js';
import { emptyFlowRecord, flowAction, flowEvent } from './flow-event.js';
import type { FlowFormat } from './flow-format.js';
import type { DecodeContext } from './options.js';

const DIGITS = /^\d+$/;
const WHITESPACE = /\s+/;

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
): SecurityEvent | number {
  const tokens = line.trim().split(WHITESPACE);
  if (tokens.length !== format.columns.length) {
    throw new DecodeError(
      'flow_line_invalid',
      `${tokens.length} fields where the format has ${format.columns.length}`,
    );
  }
  const flow = emptyFlowRecord();
  const raw: [string, JsonValue][] = [];
  let account: string | null = null;
  let region: string | null = null;
  format.columns.forEach((column, index) => {
    const token = tokens[index] as string;
    const text = token === '-' ? null : token;
    if (column.kind === 'int' || column.kind === 'seconds') {
      if (text !== null && !DIGITS.test(text)) {
        throw new DecodeError('flow_line_invalid', `${column.name} '${text.slice(0, 32)}' is not a number`);
      }
      const value = text === null ? null : Number(text);
      raw.push([column.name, value]);
      if (column.kind === 'int') flow[column.key] = value;
      else flow[column.key] = value === null ? null : value * 1000;
      return;
    }
    raw.push([column.name, text]);
    if (column.kind === 'text') flow[column.key] = text;
    else if (column.name === 'account-id') account = text;
    else if (column.name === 'region') region = text;
  });
  const action = flowAction(flow);
  if (action === null) {
    throw new DecodeError(
      'flow_line_invalid',
      `no action: action '${flow.action}', log-status '${flow.logStatus}'`,
    );
  }
  if (flow.start === null) throw new DecodeError('flow_line_invalid', 'start is missing');
  if (context.wants && !context.wants('flowlog', action)) return flow.start;
  // Object.fromEntries defines own properties: a `constructor` column cannot reach any prototype.
  return flowEvent({ identity: line.trim(), flow, action, account, region, raw: Object.fromEntries(raw) });
}
