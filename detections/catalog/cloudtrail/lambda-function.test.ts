import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../schemas/types.js';
import { testEvent } from '../../../test/events.js';
import { lambdaFunctionOf, layerAccount } from './lambda-function.js';

const event = (raw: JsonValue) => testEvent({ id: 'e', time: 0, raw });
const ARN = 'arn:aws:lambda:us-east-1:111122223333:function:orders-api';

describe('lambdaFunctionOf', () => {
  it('reads names, full and qualified ARNs and partial ARNs', () => {
    expect(lambdaFunctionOf(event({ requestParameters: { functionName: 'orders-api' } }))).toMatchObject({
      name: 'orders-api',
      arn: null,
    });
    expect(lambdaFunctionOf(event({ requestParameters: { functionName: ARN } }))).toMatchObject({
      name: 'orders-api',
      arn: ARN,
    });
    expect(lambdaFunctionOf(event({ requestParameters: { functionName: `${ARN}:live` } })).name).toBe(
      'orders-api',
    );
    expect(
      lambdaFunctionOf(event({ requestParameters: { functionName: '111122223333:function:jobs' } })).name,
    ).toBe('jobs');
  });

  it('prefers the response, and survives a record without either', () => {
    const fn = lambdaFunctionOf(
      event({
        requestParameters: { functionName: 'orders-api' },
        responseElements: { functionName: 'orders-api', functionArn: ARN },
      }),
    );
    expect(fn).toEqual({
      name: 'orders-api',
      arn: ARN,
      resource: { type: 'AWS::Lambda::Function', id: ARN, account: '111122223333' },
    });
    expect(lambdaFunctionOf(event({ requestParameters: null, responseElements: null })).name).toBe('unknown');
  });
});

describe('layerAccount', () => {
  it('gives the account of a layer version ARN', () => {
    expect(layerAccount('arn:aws:lambda:us-east-1:999988887777:layer:tools:3')).toBe('999988887777');
    expect(layerAccount('arn:aws-cn:lambda:cn-north-1:999988887777:layer:tools:1')).toBe('999988887777');
    expect(layerAccount('tools')).toBeNull();
  });
});
