import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { stableId } from '../../detections/finding.js';
import {
  cloudWatchLogs,
  FLOW_ACCEPT,
  FLOW_NODATA,
  FLOW_REJECT,
  FLOW_SKIPDATA,
  FLOW_V5_FORMAT,
  FLOW_V5_HEADER,
  FLOW_V5_LINE,
} from '../../test/corpus/decode/records.js';
import { emptyFlowRecord } from './flow-event.js';
import { flowLineId } from './flowlog.js';
import { decodeJson, decodeRecord } from './index.js';

const origin = { input: 'flow.log', offset: '3' };
const line = (text: string, options = {}) => decodeRecord(Buffer.from(text), origin, options);

describe('VPC flow log lines', () => {
  it('decodes a default version 2 line field by field', () => {
    expect(line(FLOW_ACCEPT)).toEqual({
      events: [
        {
          id: stableId('flow', FLOW_ACCEPT),
          source: 'flowlog',
          time: 1714564800000,
          account: '111122223333',
          region: null,
          action: 'ACCEPT',
          principal: null,
          srcIp: '10.0.1.5',
          userAgent: null,
          errorCode: null,
          readOnly: null,
          resources: [{ type: 'AWS::EC2::NetworkInterface', id: 'eni-0a1b2c', account: '111122223333' }],
          flow: {
            ...emptyFlowRecord(),
            version: 2,
            interfaceId: 'eni-0a1b2c',
            srcAddr: '10.0.1.5',
            dstAddr: '203.0.113.9',
            srcPort: 49152,
            dstPort: 443,
            protocol: 6,
            packets: 12,
            bytes: 3400,
            start: 1714564800000,
            end: 1714564860000,
            action: 'ACCEPT',
            logStatus: 'OK',
          },
          guardduty: null,
          raw: {
            version: 2,
            'account-id': '111122223333',
            'interface-id': 'eni-0a1b2c',
            srcaddr: '10.0.1.5',
            dstaddr: '203.0.113.9',
            srcport: 49152,
            dstport: 443,
            protocol: 6,
            packets: 12,
            bytes: 3400,
            start: 1714564800,
            end: 1714564860,
            action: 'ACCEPT',
            'log-status': 'OK',
          },
        },
      ],
      deadLetters: [],
      ignored: 0,
      skipped: 0,
      skippedTimes: [],
    });
  });

  it('turns NODATA and SKIPDATA into their own actions with `-` fields null', () => {
    const events = [FLOW_NODATA, FLOW_SKIPDATA].map((text) => line(text).events[0]);
    expect(
      events.map((event) => [
        event?.action,
        event?.time,
        event?.srcIp,
        event?.flow?.dstPort,
        event?.flow?.action,
      ]),
    ).toEqual([
      ['NODATA', 1714564900000, null, null, null],
      ['SKIPDATA', 1714565000000, null, null, null],
    ]);
  });

  it('decodes a custom version 5 format, in AWS placeholder style and in header style alike', () => {
    const headerStyle = FLOW_V5_HEADER;
    const [dollar] = line(FLOW_V5_LINE, { flowFormat: FLOW_V5_FORMAT }).events;
    const [plain] = line(FLOW_V5_LINE, { flowFormat: headerStyle }).events;
    expect(plain).toEqual(dollar);
    expect(dollar).toMatchObject({
      account: '111122223333',
      region: 'eu-west-1',
      action: 'ACCEPT',
      srcIp: '10.0.2.7',
    });
    expect(dollar?.flow).toEqual({
      ...emptyFlowRecord(),
      version: 5,
      vpcId: 'vpc-0f1',
      subnetId: 'subnet-0e2',
      instanceId: 'i-0ddd',
      interfaceId: 'eni-0d3',
      trafficType: 'IPv4',
      srcAddr: '10.0.2.7',
      dstAddr: '52.94.0.10',
      srcPort: 40000,
      dstPort: 443,
      pktSrcAddr: '10.0.2.7',
      pktDstAddr: '52.94.0.10',
      protocol: 6,
      bytes: 5000,
      packets: 10,
      start: 1714564800000,
      end: 1714564860000,
      action: 'ACCEPT',
      tcpFlags: 19,
      logStatus: 'OK',
      azId: 'euw1-az1',
      pktDstAwsService: 'AMAZON',
      flowDirection: 'egress',
      trafficPath: 8,
    });
  });

  it('dead-letters lines that do not fit the format, and every line under an unusable format', () => {
    const letters = (text: string, options = {}) =>
      line(text, options).deadLetters.map((l) => [l.reason, l.detail]);
    expect(letters('2 111122223333 eni-1 10.0.0.1')).toEqual([
      ['flow_line_invalid', '4 fields where the format has 14'],
    ]);
    expect(letters(FLOW_ACCEPT.replace(' 443 ', ' https '))).toEqual([
      ['flow_line_invalid', "dstport 'https' is not a number"],
    ]);
    expect(letters(FLOW_ACCEPT.replace('ACCEPT OK', 'MAYBE OK'))).toEqual([
      ['flow_line_invalid', "no action: action 'MAYBE', log-status 'OK'"],
    ]);
    expect(letters(FLOW_ACCEPT, { flowFormat: 'version account-id action' })).toEqual([
      ['flow_format_invalid', "format has no 'start' field"],
    ]);
    expect(letters(FLOW_ACCEPT, { flowFormat: `\${version} \${version} \${start}` })).toEqual([
      ['flow_format_invalid', "duplicate field 'version'"],
    ]);
  });

  it('gives a decode thread the id the line decodes to, whatever its spacing', () => {
    const line = '2 123456789010 eni-1 10.0.0.1 10.0.0.2 443 49152 6 10 840 1700000000 1700000060 ACCEPT OK';
    for (const text of [line, `  ${line.replaceAll(' ', '\t')} `]) {
      const event = decodeRecord(Buffer.from(text), { input: 'flow', offset: '1' }).events[0];
      expect(flowLineId(text)).toBe(event?.id);
    }
    expect(flowLineId(line)).toBe(stableId('flow', line));
  });

  it('rejects integers a number cannot hold exactly', () => {
    const line = `2 123456789010 eni-1 10.0.0.1 10.0.0.2 443 ${'9'.repeat(20)} 6 10 840 1700000000 1700000060 ACCEPT OK`;
    expect(
      decodeRecord(Buffer.from(line), { input: 'flow', offset: '1' }).deadLetters.map((l) => l.reason),
    ).toEqual(['flow_line_invalid']);
  });

  it('counts a header line given as a record as ignored', () => {
    expect(line('version account-id interface-id srcaddr dstaddr start action')).toEqual({
      events: [],
      deadLetters: [],
      ignored: 1,
      skipped: 0,
      skippedTimes: [],
    });
  });

  it('decodes flow lines delivered in a CloudWatch Logs envelope', () => {
    const envelope = gzipSync(Buffer.from(JSON.stringify(cloudWatchLogs([FLOW_ACCEPT, FLOW_REJECT]))));
    const result = decodeRecord(envelope, origin);
    expect(result.events.map((event) => [event.id, event.action, event.flow?.dstPort])).toEqual([
      [stableId('flow', FLOW_ACCEPT), 'ACCEPT', 443],
      [stableId('flow', FLOW_REJECT), 'REJECT', 22],
    ]);
  });
});

describe("Panther's JSON flow records", () => {
  it('decodes camelCase fields, epoch or UTC start times', () => {
    const record = {
      account: '111122223333',
      interfaceId: 'eni-9',
      srcAddr: '198.51.100.20',
      dstAddr: '10.0.0.1',
      srcPort: 51515,
      dstPort: 22,
      protocol: 6,
      action: 'REJECT',
      status: 'OK',
      subNetId: 'subnet-12345678',
      flowDirection: 'ingress',
      start: '2024-05-01T12:00:00Z',
      end: 1714564860,
      p_log_type: 'AWS.VPCFlow',
    };
    const [event] = decodeJson(record, origin).events;
    expect(event).toMatchObject({
      id: stableId('flow', JSON.stringify(record)),
      time: 1714564800000,
      account: '111122223333',
      action: 'REJECT',
      srcIp: '198.51.100.20',
      resources: [{ type: 'AWS::EC2::NetworkInterface', id: 'eni-9', account: '111122223333' }],
      raw: record,
    });
    expect(event?.flow).toEqual({
      ...emptyFlowRecord(),
      interfaceId: 'eni-9',
      srcAddr: '198.51.100.20',
      dstAddr: '10.0.0.1',
      srcPort: 51515,
      dstPort: 22,
      protocol: 6,
      action: 'REJECT',
      logStatus: 'OK',
      subnetId: 'subnet-12345678',
      flowDirection: 'ingress',
      start: 1714564800000,
      end: 1714564860000,
    });
  });

  it('dead-letters records without a start time or action', () => {
    const letters = decodeJson(
      [
        { dstPort: 22, srcAddr: '1.1.1.1', p_log_type: 'AWS.VPCFlow' },
        { status: 'SKIPDATA', start: 1 },
      ],
      origin,
    ).deadLetters.map((letter) => [letter.origin.index, letter.reason, letter.detail]);
    expect(letters).toEqual([
      [0, 'missing_field', 'start, action'],
      [1, 'unknown_format', 'not CloudTrail, GuardDuty, a flow record or a known envelope'],
    ]);
    expect(decodeJson({ srcAddr: '1.1.1.1', start: 1, dstPort: 'ssh' }, origin).deadLetters[0]?.detail).toBe(
      'dstPort must be an integer',
    );
  });
});
