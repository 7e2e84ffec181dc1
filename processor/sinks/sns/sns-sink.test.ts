import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../../schemas/types.js';
import { SnsServer } from '../../../test/aws/sns-server.js';
import { DeadLetterFile } from '../dead-letter-file.js';
import { Delivery } from '../delivery.js';
import { SnsSink, type SnsSinkOptions } from './sns-sink.js';

const ALERTS = 'arn:aws:sns:us-east-1:999999999999:security-alerts';
const NOTIFY = 'arn:aws:sns:us-east-1:999999999999:security-notify';
const PAYMENTS = 'arn:aws:sns:us-east-1:999999999999:team-payments';
const FIFO = 'arn:aws:sns:us-east-1:999999999999:security-alerts.fifo';
const FAST = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };

function finding(overrides: Partial<Finding> & Pick<Finding, 'id'>): Finding {
  return {
    detection: 'ec2-security-group-open-to-world',
    title: 'Security group opened to the internet',
    description: 'sg-0abc opened tcp/22 to 0.0.0.0/0.',
    severity: 'high',
    tier: 'alert',
    riskScore: 75,
    time: Date.UTC(2024, 4, 1, 12, 0, 0),
    window: null,
    account: '111122223333',
    region: 'us-east-1',
    principal: 'arn:aws:iam::111122223333:user/alice',
    resources: [{ type: 'AWS::EC2::SecurityGroup', id: 'sg-0abc', account: '111122223333' }],
    mitre: ['T1562.007'],
    evidence: ['event-1'],
    count: 1,
    runbook: 'https://runbooks.example.com/sg-open',
    remediation: 'Revoke the rule; use Session Manager instead of SSH.',
    dedupKey: 'sg-0abc',
    context: { port: '22', cidr: '0.0.0.0/0' },
    ...overrides,
  };
}

let sns: SnsServer;
let sleeps: number[];

beforeEach(async () => {
  sns = await SnsServer.start();
  sleeps = [];
});

afterEach(async () => {
  await sns.close();
});

function sink(options: Partial<SnsSinkOptions> = {}): SnsSink {
  return new SnsSink({
    client: {
      region: 'us-east-1',
      endpoint: sns.endpoint,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    },
    topics: { alert: ALERTS, notify: NOTIFY },
    retry: FAST,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
}

/** The SNS message body of a published message, per protocol. */
function body(message: { message: string } | undefined): Record<string, string> {
  return JSON.parse(message?.message ?? '{}') as Record<string, string>;
}

describe('SnsSink', () => {
  it('publishes attributes for filter policies and a body that says what, why, how to fix', async () => {
    const alert = finding({ id: 'f1', evidence: ['event-1', 'event-2'], count: 3 });
    const target = sink({ teams: { '111122223333': { team: 'payments' } } });
    const outcome = await target.send([alert]);
    await target.close();

    expect(outcome).toEqual({ accepted: [alert], rejected: [], retries: 0 });
    const [message] = sns.messages;
    expect(message?.topicArn).toBe(ALERTS);
    expect(message?.messageStructure).toBe('json');
    expect(message?.attributes).toEqual({
      severity: { dataType: 'String', value: 'high' },
      tier: { dataType: 'String', value: 'alert' },
      detection: { dataType: 'String', value: 'ec2-security-group-open-to-world' },
      account: { dataType: 'String', value: '111122223333' },
      team: { dataType: 'String', value: 'payments' },
      riskScore: { dataType: 'Number', value: '75' },
    });
    expect(message?.groupId).toBeNull();
    expect(message?.deduplicationId).toBeNull();
    const structure = body(message);
    expect(Object.keys(structure)).toEqual(['default', 'sqs', 'lambda', 'sms']);
    expect(JSON.parse(structure.sqs ?? '')).toEqual(alert);
    expect(structure.lambda).toBe(structure.sqs);
    expect(structure.sms).toBe('[HIGH] Security group opened to the internet (111122223333) f1');
    expect(structure.default).toBe(
      [
        '[HIGH] Security group opened to the internet',
        '',
        'What happened',
        'sg-0abc opened tcp/22 to 0.0.0.0/0.',
        'Detection: ec2-security-group-open-to-world',
        'Account: 111122223333 (team payments), region: us-east-1',
        'Principal: arn:aws:iam::111122223333:user/alice',
        'Resources: AWS::EC2::SecurityGroup sg-0abc',
        'When: 2024-05-01T12:00:00.000Z',
        'Context: port=22, cidr=0.0.0.0/0',
        'Events: 3: event-1, event-2 (+1 more)',
        '',
        'Why it matters',
        'Severity high, tier alert, risk score 75/100.',
        'MITRE ATT&CK: T1562.007 https://attack.mitre.org/techniques/T1562/007/',
        '',
        'How to fix',
        'Revoke the rule; use Session Manager instead of SSH.',
        'Runbook: https://runbooks.example.com/sg-open',
        '',
        'Finding id: f1',
        '',
        JSON.stringify(alert),
      ].join('\n'),
    );
  });

  it('routes by tier, accepts findings of tiers without a topic unpublished, and marks unknown owners', async () => {
    const findings = [
      finding({ id: 'a', tier: 'alert', account: null }),
      finding({ id: 'n', tier: 'notify', severity: 'medium' }),
      finding({ id: 'l', tier: 'log', severity: 'low' }),
    ];
    const outcome = await sink().send(findings);

    expect(outcome.accepted.map((f) => f.id)).toEqual(['a', 'n', 'l']);
    expect(sns.messages.map((m) => [m.topicArn, body(m).sms])).toEqual([
      [ALERTS, '[HIGH] Security group opened to the internet (unknown) a'],
      [NOTIFY, '[MEDIUM] Security group opened to the internet (111122223333) n'],
    ]);
    expect(sns.messages.map((m) => [m.attributes.account?.value, m.attributes.team?.value])).toEqual([
      ['none', 'none'],
      ['111122223333', 'none'],
    ]);
  });

  it("also publishes to the owning team's topic (notify and alert tiers), accepted only when both succeed", async () => {
    const teams = { '111122223333': { team: 'payments', topicArn: PAYMENTS } };
    const findings = [
      finding({ id: 'a' }),
      finding({ id: 'n', tier: 'notify' }),
      finding({ id: 'l', tier: 'log' }),
      finding({ id: 'other', account: '444455556666' }),
      finding({ id: 'failing' }),
    ];
    sns.failEntries(
      (m) => m.topicArn === PAYMENTS && body(m).sms?.endsWith('failing') === true,
      'KMSDisabled',
      true,
    );
    const outcome = await sink({ teams }).send(findings);

    expect(outcome.accepted.map((f) => f.id)).toEqual(['a', 'n', 'l', 'other']);
    expect(outcome.rejected.map(({ finding: f, ...rest }) => ({ id: f.id, ...rest }))).toEqual([
      { id: 'failing', sink: 'sns', reason: 'KMSDisabled', detail: `${PAYMENTS}: injected KMSDisabled` },
    ]);
    const delivered = sns.messages.map(
      (m) => `${m.topicArn.split(':').pop()} ${body(m).sms?.split(' ').pop()}`,
    );
    expect(delivered.sort()).toEqual([
      'security-alerts a',
      'security-alerts failing',
      'security-alerts other',
      'security-notify n',
      'team-payments a',
      'team-payments n',
    ]);
    expect(sns.messagesTo(PAYMENTS).map((m) => m.attributes.team?.value)).toEqual(['payments', 'payments']);
  });

  it('uses the account as FIFO group and id:count as dedup id, so a roll-up is news but a retry is not', async () => {
    const target = sink({ topics: { alert: FIFO } });
    const first = finding({ id: 'f1', count: 1 });
    const rollUp = finding({ id: 'f1', count: 4 });
    const unowned = finding({ id: 'f2', account: null });
    await target.send([first, unowned]);
    await target.send([first, rollUp]);

    expect(sns.messages.map((m) => [m.groupId, m.deduplicationId])).toEqual([
      ['111122223333', 'f1:1'],
      ['none', 'f2:1'],
      ['111122223333', 'f1:4'],
    ]);
    expect(sns.duplicates.map((m) => m.deduplicationId)).toEqual(['f1:1']);
  });

  it('batches at most 10 entries per PublishBatch through Delivery', async () => {
    const target = sink();
    const deadLetters = new DeadLetterFile(join(tmpdir(), `sns-batching-${process.pid}.jsonl`));
    const delivery = new Delivery({ sinks: [target], deadLetters, lingerMs: 5 });
    const acked: string[] = [];
    for (let n = 0; n < 25; n += 1) delivery.submit(finding({ id: `f${n}` }), () => acked.push(`f${n}`));
    await delivery.close();

    expect(sns.requests.map((r) => [r.action, r.entries])).toEqual([
      ['PublishBatch', 10],
      ['PublishBatch', 10],
      ['PublishBatch', 5],
    ]);
    expect(acked).toHaveLength(25);
    expect(sns.messages.map((m) => body(m).sms?.split(' ').pop())).toEqual(acked);
  });

  it('groups a send by topic, so a larger maxBatch fills every PublishBatch when findings span tiers', async () => {
    const target = sink({ maxBatch: 20 });
    const findings = Array.from({ length: 20 }, (_, n) =>
      finding({ id: `f${n}`, tier: n % 2 === 0 ? 'alert' : 'notify' }),
    );
    const outcome = await target.send(findings);

    expect(target.maxBatch).toBe(20);
    expect(outcome.accepted).toEqual(findings);
    expect(sns.requests.map((r) => [r.topicArn, r.entries])).toEqual([
      [ALERTS, 10],
      [NOTIFY, 10],
    ]);
  });

  it('splits a batch by the 256 KiB total and trims a finding larger than 256 KiB, never its id', async () => {
    // Each entry carries the description four times (text, JSON in default, sqs, lambda): ~80 KiB, 3 fit.
    const large = Array.from({ length: 7 }, (_, n) =>
      finding({ id: `big${n}`, description: 'd'.repeat(20_000) }),
    );
    const huge = finding({
      id: 'huge',
      description: 'x'.repeat(300_000),
      evidence: Array.from({ length: 20 }, (_, n) => `event-${n}`),
      count: 20,
    });
    const outcome = await sink().send([...large, huge]);

    expect(outcome.accepted).toHaveLength(8);
    expect(sns.requests.map((r) => r.entries)).toEqual([3, 3, 2]);
    for (const request of sns.requests) expect(request.bytes).toBeLessThanOrEqual(262_144);
    const trimmed = JSON.parse(body(sns.messages[7]).sqs ?? '') as Finding;
    expect(trimmed.id).toBe('huge');
    expect(trimmed.evidence).toEqual([]);
    expect(trimmed.count).toBe(20);
    expect(trimmed.description).toBe(`${'x'.repeat(4096)}… [truncated]`);
    expect(body(sns.messages[7]).default).toContain('\nEvents: 20\n');
    expect(body(sns.messages[7]).default).toContain('Finding id: huge');
  });

  it('resends only the entries that failed transiently, with backoff, until they succeed', async () => {
    sns.failEntries(
      (m) => ['f1', 'f3'].some((id) => body(m).sms?.endsWith(` ${id}`)),
      'InternalError',
      false,
      3,
    );
    const findings = ['f0', 'f1', 'f2', 'f3'].map((id) => finding({ id }));
    const target = sink();
    const outcome = await target.send(findings);

    expect(outcome).toEqual({ accepted: findings, rejected: [], retries: 2 });
    // f1 and f3 fail in the first call, f1 again in the second (3 injected failures), then both pass.
    expect(sns.requests.map((r) => r.entries)).toEqual([4, 2, 1]);
    expect(sns.messages.map((m) => body(m).sms?.split(' ').pop())).toEqual(['f0', 'f2', 'f3', 'f1']);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeLessThan(200);
    expect(sleeps[1]).toBeLessThan(400);
    expect(target.health.healthy).toBe(true);
  });

  it('rejects an entry with SenderFault for good, with SNS code as reason, and publishes the rest', async () => {
    sns.failEntries((m) => body(m).sms?.endsWith(' bad') === true, 'KMSAccessDenied', true);
    const good = finding({ id: 'good' });
    const bad = finding({ id: 'bad' });
    const outcome = await sink().send([good, bad]);

    expect(outcome).toEqual({
      accepted: [good],
      rejected: [
        {
          finding: bad,
          sink: 'sns',
          reason: 'KMSAccessDenied',
          detail: `${ALERTS}: injected KMSAccessDenied`,
        },
      ],
      retries: 0,
    });
    expect(sns.requests).toHaveLength(1);
  });

  it('backs off when the whole call is throttled, counting the retries', async () => {
    sns.throttleNext(3);
    const findings = [finding({ id: 'f1' }), finding({ id: 'f2' })];
    const target = sink();
    const outcome = await target.send(findings);

    expect(outcome).toEqual({ accepted: findings, rejected: [], retries: 3 });
    expect(sns.requests.map((r) => r.error)).toEqual(['Throttled', 'Throttled', 'Throttled', null]);
    expect(sleeps).toHaveLength(3);
    sleeps.forEach((ms, n) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(Math.min(FAST.maxDelayMs, FAST.baseDelayMs * 2 ** (n + 1)));
    });
    expect(target.health.healthy).toBe(true);
  });

  it('dead-letters with retries_exhausted when throttling outlasts the policy, and reports unhealthy', async () => {
    sns.throttleNext(100);
    const target = sink();
    const outcome = await target.send([finding({ id: 'f1' })]);

    expect(outcome.accepted).toEqual([]);
    expect(outcome.retries).toBe(4);
    expect(outcome.rejected.map((r) => [r.reason, r.detail])).toEqual([
      [
        'retries_exhausted',
        `${ALERTS}: RetriesExhaustedError: gave up after 5 attempts: ThrottledException: Rate exceeded`,
      ],
    ]);
    expect(sns.requests).toHaveLength(5);
    expect(target.health.healthy).toBe(false);
  });

  it('rejects the whole batch at once on a permanent error such as a missing topic', async () => {
    await sns.close();
    sns = await SnsServer.start({ topics: [NOTIFY] });
    const outcome = await sink().send([finding({ id: 'f1' }), finding({ id: 'f2' })]);

    expect(outcome.rejected.map((r) => [r.finding.id, r.reason, r.detail])).toEqual([
      ['f1', 'NotFound', `${ALERTS}: NotFoundException: Topic does not exist`],
      ['f2', 'NotFound', `${ALERTS}: NotFoundException: Topic does not exist`],
    ]);
    expect(sleeps).toEqual([]);
  });
});
