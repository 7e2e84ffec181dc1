import { requestAnyCase } from '../any-case.js';
import { text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const DEFAULT_PARAMS = { expectedRegions: [] as string[] };

export const detection = cloudTrailRule({
  id: 'account-region-enabled',
  title: 'Opt-in region enabled',
  description:
    'An opt-in region (af-south-1, me-central-1, ap-east-1...) was enabled for an account. Attackers enable ' +
    'regions nobody watches to run instances, mine or stage data where monitoring, SCP region allow-lists and ' +
    'GuardDuty are not set up. Regions listed in `expectedRegions` are not reported.',
  severity: 'medium',
  mitre: ['T1535'],
  tactics: ['defense-evasion'],
  failedCalls: 'ignored',
  panther: { rules: ['AWS.CloudTrail.EnableRegion'] },
  runbook: 'https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html',
  remediation:
    'If nobody planned it, disable the region (`aws account disable-region --region-name <region>`; console → ' +
    'Account → AWS Regions → Disable) and check it for resources first; otherwise enable GuardDuty, CloudTrail ' +
    'and Config there and add it to `expectedRegions`. Deny account:EnableRegion outside the platform team with an SCP.',
  // EnableRegion exists only in the Account Management API; some exports (Panther's test log among them) name
  // cloudtrail.amazonaws.com as its source, and the call is still what its name says.
  actions: ['account:EnableRegion', 'cloudtrail:EnableRegion'],
  settings: (read) => ({ expectedRegions: read.strings('expectedRegions', DEFAULT_PARAMS.expectedRegions) }),
  match: (event, settings) => {
    const region = text(requestAnyCase(event, 'RegionName')) ?? 'unknown region';
    if (settings.expectedRegions.includes(region)) return null;
    const target = text(requestAnyCase(event, 'AccountId')) ?? event.account ?? 'unknown';
    const who = actor(event);
    return {
      key: `${target}:${region}`,
      title: `Region ${region} enabled for account ${target} by ${who}`,
      description: `${who} enabled opt-in region ${region} for account ${target}. Make sure it is monitored, or disable it.`,
      resources: [{ type: 'AWS::Account::Region', id: region, account: target }],
      context: { enabledRegion: region, targetAccount: target },
    };
  },
});
