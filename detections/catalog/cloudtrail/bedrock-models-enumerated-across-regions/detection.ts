import { principalLabel } from '../../../finding.js';
import { cloudTrailBurst } from '../burst.js';
import { request, text } from '../record.js';

export const detection = cloudTrailBurst({
  id: 'bedrock-models-enumerated-across-regions',
  title: 'Bedrock models probed across regions',
  description:
    'One principal called Bedrock (model invocations, model listings or availability checks) in at least 3 ' +
    'regions within 30 minutes. Applications use Bedrock in the one or two regions they run in; "LLMjacking" ' +
    'tools test stolen keys region by region, often with deliberately invalid requests, to find where models ' +
    'are enabled before reselling access. Refused and invalid calls count.',
  severity: 'high',
  mitre: ['T1580', 'T1526'],
  tactics: ['discovery'],
  failedCalls: 'counted',
  stratus: ['aws.discovery.bedrock-enumerate-models-multiple-regions'],
  runbook: 'https://docs.aws.amazon.com/bedrock/latest/userguide/logging-using-cloudtrail.html',
  remediation:
    'Unless the principal runs a multi-region AI workload, treat its credentials as stolen: deactivate the ' +
    "access key or revoke the role's sessions, check Bedrock model invocation logs and the bill for usage, and " +
    'deny bedrock:* outside the regions you use with an SCP on `aws:RequestedRegion`.',
  actions: [
    'bedrock:InvokeModel',
    'bedrock:InvokeModelWithResponseStream',
    'bedrock:Converse',
    'bedrock:ConverseStream',
    'bedrock:ListFoundationModels',
    'bedrock:GetFoundationModel',
    'bedrock:GetFoundationModelAvailability',
    'bedrock:ListInferenceProfiles',
  ],
  key: (event) => principalLabel(event),
  distinct: (event) => event.region,
  atLeast: 3,
  windowMinutes: 30,
  finding: (burst) => {
    const models = [
      ...new Set(burst.events.flatMap((event) => text(request(event, 'modelId')) ?? [])),
    ].sort();
    const refused = burst.events.filter((event) => event.errorCode !== null).length;
    return {
      title: `Bedrock probed in ${burst.values.length} regions by ${burst.key} within ${burst.windowMinutes} minutes`,
      description:
        `${burst.key} called Bedrock in ${burst.values.join(', ')}` +
        (models.length > 0 ? ` for ${models.join(', ')}` : '') +
        `${refused > 0 ? `; ${refused} of ${burst.events.length} call(s) failed` : ''}.`,
      resources: [],
      context: { regions: burst.values.join(','), models: models.join(',') },
    };
  },
});
