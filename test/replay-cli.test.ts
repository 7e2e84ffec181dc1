import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../schemas/types.js';
import { SnsServer } from './aws/sns-server.js';

/** Runs the real CLI entry point (TypeScript via tsx) as a user would, and returns its exit code and output. */
function shardwatch(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'processor/cli/main.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

const rootLogin = {
  eventVersion: '1.08',
  userIdentity: {
    type: 'Root',
    principalId: '111122223333',
    arn: 'arn:aws:iam::111122223333:root',
    accountId: '111122223333',
  },
  eventTime: '2026-11-24T09:00:00Z',
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  awsRegion: 'us-east-1',
  sourceIPAddress: '198.51.100.7',
  userAgent: 'Mozilla/5.0',
  requestParameters: null,
  responseElements: { ConsoleLogin: 'Success' },
  additionalEventData: { MFAUsed: 'Yes' },
  eventID: '0b0e2f5e-1c1a-4f5e-9d7c-000000000001',
  eventType: 'AwsConsoleSignIn',
  recipientAccountId: '111122223333',
};

describe('shardwatch replay (CLI)', () => {
  it('replays the bundled samples into findings, a summary and no dead letters', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwatch-cli-'));
    const out = join(dir, 'findings.jsonl');
    const { code, stderr } = shardwatch('replay', 'samples', '--out', out, '--quiet');
    expect(code).toBe(0);
    const findings = readJsonl<Finding>(out);
    const distinct = [...new Map(findings.map((f) => [f.id, f])).values()];
    expect(countBy(distinct, (f) => f.detection)).toEqual(EXPECTED_SAMPLE_FINDINGS);
    // nine dedup roll-ups rewrite a finding under its id with the merged count
    expect(findings.length - distinct.length).toBe(9);
    expect(readFileSync(join(dir, 'findings.dead-letters.jsonl'), 'utf8')).toBe('');
    expect(stderr).toContain('dead letters: 0');
    expect(stderr).toMatch(/events: cloudtrail \d+, guardduty \d+, flowlog \d+/);
  });

  it('dead-letters bad input with reasons and origins, and still finds what the good records show', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwatch-cli-'));
    const input = join(dir, 'in');
    const out = join(dir, 'out', 'findings.jsonl');
    spawnSync('mkdir', ['-p', input]);
    writeFileSync(
      join(input, 'a-mixed.jsonl'),
      `${JSON.stringify(rootLogin)}\n{"eventTime": oops\n\u0000\u0001\u0002binary\n`,
    );
    writeFileSync(
      join(input, 'b-truncated.json.gz'),
      gzipSync(JSON.stringify({ Records: [rootLogin] })).subarray(0, 30),
    );
    writeFileSync(join(input, 'c-empty.json'), '');
    const { code, stderr } = shardwatch('replay', input, '--out', out, '--quiet');
    expect(code).toBe(0);
    expect(readJsonl<Finding>(out).map((f) => f.detection)).toEqual(['iam-root-account-usage']);
    const deadLetters = readJsonl<{ origin: { input: string; offset: string }; reason: string }>(
      join(dir, 'out', 'findings.dead-letters.jsonl'),
    );
    // files without any event come first: replay merges files by the time of their first event
    expect(
      deadLetters.map((d) => [d.origin.input.replace(`${input}/`, ''), d.origin.offset, d.reason]),
    ).toEqual([
      ['b-truncated.json.gz', '0', 'gzip_truncated'],
      ['c-empty.json', '0', 'empty'],
      ['a-mixed.jsonl', '2', 'json_invalid'],
      ['a-mixed.jsonl', '3', 'binary'],
    ]);
    expect(stderr).toContain('dead letters: 4');
  });

  it('delivers findings to the SNS topics of their tiers when the config names them', async () => {
    const sns = await SnsServer.start();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'shardwatch-cli-'));
      const alert = 'arn:aws:sns:us-east-1:111122223333:security-alerts';
      const notify = 'arn:aws:sns:us-east-1:111122223333:engineer-notices';
      writeFileSync(
        join(dir, 'shardwatch.yaml'),
        `sinks:\n  sns:\n    region: us-east-1\n    endpoint: ${sns.endpoint}\n    topics: { alert: ${alert}, notify: ${notify} }\n`,
      );
      const out = join(dir, 'findings.jsonl');
      // the in-process SNS server must keep answering: run the CLI without blocking the event loop
      const stderr = await new Promise<string>((resolve, reject) => {
        execFile(
          process.execPath,
          [
            '--import',
            'tsx',
            'processor/cli/main.ts',
            'replay',
            'samples',
            '--out',
            out,
            '--quiet',
            '-c',
            join(dir, 'shardwatch.yaml'),
          ],
          { env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' } },
          (error, _stdout, stderrText) => (error ? reject(error) : resolve(stderrText)),
        );
      });
      const findings = readJsonl<Finding>(out);
      const idsOf = (tier: string) => findings.filter((f) => f.tier === tier).map((f) => f.id);
      const published = (topic: string) =>
        sns.messagesTo(topic).map((m) => (JSON.parse(JSON.parse(m.message).sqs) as Finding).id);
      // batches go out concurrently: compare as sets (roll-ups repeat an id, so sorted lists)
      expect(published(alert).sort()).toEqual(idsOf('alert').sort());
      expect(published(notify).sort()).toEqual(idsOf('notify').sort());
      expect(idsOf('alert').length + idsOf('notify').length).toBe(40);
      // the sink accepts every finding; the 47 of the log tier have no topic here
      expect(stderr).toMatch(/sns +written 87, rejected 0/);
    } finally {
      await sns.close();
    }
  });

  it('writes findings to stdout as JSON Lines without --out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwatch-cli-'));
    writeFileSync(join(dir, 'root.json'), JSON.stringify(rootLogin));
    const { code, stdout } = shardwatch('replay', join(dir, 'root.json'), '--quiet');
    expect(code).toBe(0);
    const findings = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Finding);
    expect(findings.map((f) => [f.detection, f.account, f.principal])).toEqual([
      ['iam-root-account-usage', '111122223333', 'arn:aws:iam::111122223333:root'],
    ]);
  });

  it('exits 2 on a bad config and 1 on a missing input path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwatch-cli-'));
    writeFileSync(join(dir, 'bad.yaml'), 'lateness: soon\n');
    expect(shardwatch('replay', 'samples', '--config', join(dir, 'bad.yaml')).code).toBe(2);
    expect(shardwatch('replay', join(dir, 'no-such-dir')).code).toBe(1);
    expect(shardwatch('replay').code).toBe(2);
  });

  it('validates the example config, and names the bad key of a broken one', () => {
    expect(shardwatch('validate', '--config', 'shardwatch.example.yaml').code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'shardwatch-cli-'));
    writeFileSync(
      join(dir, 'broken.yaml'),
      'detections:\n  no-such-detection: {}\nallowList:\n  - reason: office\n    cidrs: [10.0.0.0/33]\n',
    );
    const { code, stderr } = shardwatch('validate', '--config', join(dir, 'broken.yaml'));
    expect(code).toBe(2);
    expect(stderr).toContain('detections.no-such-detection: no such detection');
    expect(stderr).toContain('allowList[0].cidrs[0]');
  });

  it('prints the effective config with environment overrides, the secret redacted', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'processor/cli/main.ts', 'validate', '--print'],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          SHARDWATCH_CONFIG:
            'sinks: { influxdb: { url: "http://influx:8086", apiVersion: 2, org: sec, bucket: f } }',
          SHARDWATCH_SINKS__INFLUXDB__TOKEN: 'tok-3a9f1c',
          SHARDWATCH_LATENESS: '2m',
        },
      },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      'sinks:\n  influxdb:\n    url: http://influx:8086\n    apiVersion: 2\n    org: sec\n    bucket: f\n    token: "[redacted]"\nlateness: 2m\n',
    );
    expect(result.stderr).not.toContain('tok-3a9f1c');
  });

  it('runs the fixtures of the named detections with `shardwatch test` (catalog.test.ts runs them all)', () => {
    const { code, stdout } = shardwatch('test', 'iam-user-created', 'ec2-large-instance-burst');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^PASS {2}iam-user-created \(\d+ cases\)$/m);
    expect(stdout).toMatch(/^PASS {2}ec2-large-instance-burst \(\d+ cases\)$/m);
    expect(stdout).toContain('2 passed, 0 failed');
    expect(shardwatch('test', 'no-such-detection').code).toBe(2);
  });
});

/** Distinct findings the sample stories in samples/README.md are built to trigger, by detection. */
const EXPECTED_SAMPLE_FINDINGS: Record<string, number> = {
  'cloudtrail-logging-tampered': 2,
  'ec2-instance-admin-profile': 1,
  'ec2-instance-credentials-discovery-burst': 1,
  'ec2-instance-credentials-external-use': 1,
  'ec2-instance-forbidden-region': 1,
  'ec2-instance-lifecycle-change': 24,
  'ec2-instance-missing-tags': 1,
  'ec2-instance-unapproved-type': 1,
  'ec2-large-instance-burst': 1,
  'ec2-security-group-changed-manually': 3,
  'ec2-security-group-open-to-world': 2,
  'flowlog-delivery-gap': 5,
  'flowlog-inbound-admin-port-from-internet': 2,
  'flowlog-port-scan': 1,
  'flowlog-records-skipped': 1,
  'guardduty-detector-disabled': 2,
  'guardduty-findings-by-family': 6,
  'guardduty-high-severity-finding': 2,
  'guardduty-instance-compromise-credential-use': 1,
  'guardduty-instance-credential-exfiltration': 1,
  'guardduty-low-severity-finding': 3,
  'guardduty-medium-severity-finding': 2,
  'iam-admin-policy-granted': 2,
  'iam-configuration-changed': 2,
  'iam-entity-created-manually': 2,
  'iam-root-account-usage': 1,
  'iam-user-created': 1,
  'signin-console-brute-force': 1,
  'signin-console-login-without-mfa': 1,
  'signin-iam-user-password-login': 3,
  'signin-password-spraying': 1,
};
