import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../schemas/types.js';
import { testEvent } from '../../../test/events.js';
import {
  commandInstanceIds,
  isRemotePortForwarding,
  isShellDocument,
  managedNodeResource,
  sessionDocument,
} from './ssm-targets.js';

const call = (requestParameters: JsonValue) => testEvent({ id: 'e', time: 0, raw: { requestParameters } });

describe('SSM targets', () => {
  it('collects instance ids from instanceIds and InstanceIds targets, each once, never the * wildcard', () => {
    expect(
      commandInstanceIds(
        call({
          instanceIds: ['i-1', 'i-2'],
          targets: [
            { key: 'InstanceIds', values: ['i-2', 'i-3'] },
            { Key: 'InstanceIds', Values: ['*'] },
            { key: 'tag:Environment', values: ['prod'] },
          ],
        }),
      ),
    ).toEqual(['i-1', 'i-2', 'i-3']);
    expect(commandInstanceIds(call(null))).toEqual([]);
  });

  it('names documents and what they do', () => {
    expect(sessionDocument(call({ target: 'i-1' }))).toBe('SSM-SessionManagerRunShell');
    expect(isRemotePortForwarding('AWS-StartPortForwardingSessionToRemoteHost')).toBe(true);
    expect(isRemotePortForwarding('AWS-StartPortForwardingSession')).toBe(false);
    expect(isShellDocument('AWS-RunShellScript')).toBe(true);
    expect(isShellDocument('AWS-RunPowerShellScript')).toBe(true);
    expect(isShellDocument('AWS-ConfigureAWSPackage')).toBe(false);
  });

  it('types hybrid managed nodes apart from instances', () => {
    expect(managedNodeResource('mi-0123', '1').type).toBe('AWS::SSM::ManagedInstance');
    expect(managedNodeResource('i-0123', '1').type).toBe('AWS::EC2::Instance');
  });
});
