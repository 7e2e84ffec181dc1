import { lambdaFunctionOf } from '../lambda-function.js';
import { request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

export const detection = cloudTrailRule({
  id: 'lambda-function-url-public',
  title: 'Lambda function URL without authentication',
  description:
    'A Lambda function URL was created or changed with AuthType NONE: anyone on the internet who knows the ' +
    'URL can invoke the function, with no AWS credentials and no API gateway in front. Attackers use it as a ' +
    'persistent, credential-free entry point into the account (a backdoor that runs with the function role); ' +
    'for a legitimate public endpoint it still bypasses throttling, WAF and authentication.',
  severity: 'high',
  mitre: ['T1190', 'T1648'],
  tactics: ['persistence', 'initial-access'],
  failedCalls: 'ignored',
  runbook: 'https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html',
  remediation:
    'If the function is not meant to be public, switch the URL to IAM auth (Lambda console → Functions → <fn> → ' +
    'Configuration → Function URL → Edit → AWS_IAM, or `aws lambda update-function-url-config --function-name ' +
    '<fn> --auth-type AWS_IAM`) or delete it (`aws lambda delete-function-url-config --function-name <fn>`), ' +
    'remove the `FunctionURLAllowPublicAccess` statement from its resource policy, and review its invocations.',
  actions: ['lambda:CreateFunctionUrlConfig', 'lambda:UpdateFunctionUrlConfig'],
  match: (event) => {
    const authType = text(request(event, 'authType')) ?? text(response(event, 'authType'));
    if (authType?.toUpperCase() !== 'NONE') return null;
    const fn = lambdaFunctionOf(event);
    const url = text(response(event, 'functionUrl')) ?? 'its function URL';
    const qualifier = text(request(event, 'qualifier'));
    const who = actor(event);
    return {
      key: `${event.account}:${fn.name}:${qualifier ?? ''}`,
      title: `Lambda function ${fn.name} exposed without authentication at ${url} by ${who}`,
      description:
        `${who} set the function URL of Lambda function ${fn.name}${qualifier ? ` (alias ${qualifier})` : ''} ` +
        `to AuthType NONE: ${url} now invokes it for anyone on the internet.`,
      resources: [fn.resource],
      context: {
        functionName: fn.name,
        functionUrl: text(response(event, 'functionUrl')) ?? '',
        qualifier: qualifier ?? '',
        invokeMode: text(request(event, 'invokeMode')) ?? text(response(event, 'invokeMode')) ?? '',
      },
    };
  },
});
