import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../schemas/types.js';

/** Runs the real CLI entry point (TypeScript via tsx), and returns its exit code and output. */
function shardwatch(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'processor/cli/main.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const CORPUS = 'test/corpus/sigma';
const ROOT_USAGE = 'sigma-8ad1600d-e9dc-4251-b0ee-a65268f29add';
const TRAIL_CHANGE = 'sigma-4db60cc0-36fb-42b7-9b58-a5b53019fb74';

const BROKEN = `title: Bad modifier
id: bad-modifier
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    eventName|startswith|bogus: Delete
  condition: selection
---
title: Windows rule
id: unmapped
logsource: {product: windows, category: process_creation}
detection:
  selection: {Image|endswith: '\\cmd.exe'}
  condition: selection
---
title: Backreference
id: backreference
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {userAgent|re: '(a)\\1'}
  condition: selection
`;

function record(eventName: string, eventSource: string, identity: Record<string, string>, second: number) {
  return {
    eventVersion: '1.08',
    userIdentity: { accountId: '111122223333', ...identity },
    eventTime: `2026-11-24T09:00:${String(second).padStart(2, '0')}Z`,
    eventSource,
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    eventID: `00000000-0000-4000-8000-0000000000${String(second).padStart(2, '0')}`,
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
  };
}

describe('shardwatch with Sigma rules (CLI)', () => {
  it('validate prints one line per rule, the exact unsupported construct and where, and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwatch-sigma-'));
    writeFileSync(join(dir, 'broken.yml'), BROKEN);
    const { code, stdout } = shardwatch('validate', CORPUS, join(dir, 'broken.yml'));
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(57 + 3 + 1);
    expect(lines.filter((line) => line.startsWith('ok    '))).toHaveLength(57);
    expect(lines).toContain(
      `ok    ${CORPUS}/aws_root_account_usage.yml  ${ROOT_USAGE}  AWS Root Credentials — vitaliy0x1 (DRL-1.1)`,
    );
    expect(lines.slice(57, 60)).toEqual([
      `FAIL  ${dir}/broken.yml  detection.selection.eventName|startswith|bogus: unknown modifier 'bogus' [unsupported_modifier]`,
      `FAIL  ${dir}/broken.yml#2  logsource: no shardwatch source for {category: process_creation, product: windows} (mapped: {product: aws, service: cloudtrail}; {product: aws, service: guardduty}; {product: aws, service: vpcflowlogs}; {product: aws}) [logsource_unmapped]`,
      `FAIL  ${dir}/broken.yml#3  detection.selection.userAgent|re: regular expression "(a)\\\\1" is not supported by the linear-time engine (RE2: no backreferences or lookaround): error parsing regexp: invalid escape sequence: \`\\1\` [regex_unsupported]`,
    ]);
    expect(lines.at(-1)).toBe('60 Sigma document(s): 57 loaded, 3 failed');
    // Without rules or --config, validate checks the config of SHARDWATCH_CONFIG (here: none, the defaults).
    expect(shardwatch('validate').code).toBe(0);
  });

  it('replay --sigma runs the rules beside the catalog; a rule that does not load stops the replay (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwatch-sigma-'));
    const input = join(dir, 'calls.jsonl');
    const rootLogin = record(
      'ListUsers',
      'iam.amazonaws.com',
      { type: 'Root', arn: 'arn:aws:iam::111122223333:root' },
      1,
    );
    const stopLogging = record(
      'StopLogging',
      'cloudtrail.amazonaws.com',
      { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/mallory', userName: 'mallory' },
      2,
    );
    writeFileSync(input, `${JSON.stringify(rootLogin)}\n${JSON.stringify(stopLogging)}\n`);
    const out = join(dir, 'findings.jsonl');
    const { code } = shardwatch('replay', input, '--sigma', CORPUS, '--out', out, '--quiet');
    expect(code).toBe(0);
    const findings = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Finding);
    const sigma = findings.filter((finding) => finding.detection.startsWith('sigma-'));
    expect(sigma.map((finding) => [finding.detection, finding.title, finding.context.sigmaAuthor])).toEqual([
      [ROOT_USAGE, 'AWS Root Credentials: iam:ListUsers by arn:aws:iam::111122223333:root', 'vitaliy0x1'],
      [
        TRAIL_CHANGE,
        'AWS CloudTrail Important Change: cloudtrail:StopLogging by arn:aws:iam::111122223333:user/mallory',
        'vitaliy0x1',
      ],
    ]);
    expect(findings.map((finding) => finding.detection)).toContain('cloudtrail-logging-tampered');
    mkdirSync(join(dir, 'rules'));
    writeFileSync(join(dir, 'rules', 'broken.yml'), BROKEN);
    const broken = shardwatch('replay', input, '--sigma', join(dir, 'rules'), '--quiet');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("unknown modifier 'bogus' [unsupported_modifier]");
  });

  it('the config key sigma (rules, dedup, per-rule dedup) is validated, and list shows the rules with author and license', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwatch-sigma-'));
    const config = join(dir, 'shardwatch.yaml');
    writeFileSync(
      config,
      `sigma:\n  rules: [${CORPUS}]\n  dedup: 30m\ndetections:\n  ${ROOT_USAGE}:\n    params: {dedup: 2h}\n`,
    );
    const valid = shardwatch('validate', '--config', config);
    expect(valid.code).toBe(0);
    // The ok line goes to stderr, so `validate --print` output stays a clean YAML document.
    expect(valid.stderr).toContain(`${config}: ok (`);
    expect(valid.stderr).toContain('57 Sigma detections');
    writeFileSync(config, `sigma: [${CORPUS}]\ndetections:\n  ${ROOT_USAGE}:\n    params: {threshold: 3}\n`);
    const invalid = shardwatch('validate', '--config', config);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain(
      `detections.${ROOT_USAGE}.params: a Sigma detection takes only 'dedup', not threshold`,
    );
    const list = shardwatch('list', '--sigma', CORPUS);
    expect(list.code).toBe(0);
    const row = list.stdout.split('\n').find((line) => line.startsWith(TRAIL_CHANGE));
    expect(row?.replace(/\s+/g, ' ')).toBe(
      `${TRAIL_CHANGE} medium notify cloudtrail: 3 actions T1685.002 vitaliy0x1 DRL-1.1 AWS CloudTrail Important Change`,
    );
  });
});
