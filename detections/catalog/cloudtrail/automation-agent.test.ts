import { describe, expect, it } from 'vitest';
import { testEvent } from '../../../test/events.js';
import { IAC_USER_AGENTS, madeByAutomation } from './automation-agent.js';

const byAgent = (userAgent: string | null) =>
  madeByAutomation(testEvent({ id: 'e', time: 0, userAgent }), IAC_USER_AGENTS);

describe('calls made by infrastructure-as-code', () => {
  it('recognises IaC user agents in any case, and AWS services', () => {
    expect(byAgent('APN/1.0 HashiCorp/1.0 Terraform/0.12.24 (+https://www.terraform.io)')).toBe(true);
    expect(byAgent('cloudformation.amazonaws.com')).toBe(true);
    expect(byAgent('aws-sdk-js/2.1 promise aws-cdk/2.100.0')).toBe(true);
    expect(
      madeByAutomation(
        testEvent({
          id: 'e',
          time: 0,
          principal: {
            type: 'AWSService',
            arn: null,
            name: null,
            account: null,
            sessionIssuer: null,
            mfa: null,
            accessKeyId: null,
          },
        }),
        [],
      ),
    ).toBe(true);
  });

  it('leaves the console, the CLI, SDK scripts and a missing agent to people', () => {
    expect(byAgent('console.ec2.amazonaws.com')).toBe(false);
    expect(byAgent('aws-cli/2.15.30 Python/3.11.8')).toBe(false);
    expect(byAgent('aws-sdk-go/1.24.1 (go1.14; darwin; amd64)')).toBe(false);
    expect(byAgent(null)).toBe(false);
  });
});
