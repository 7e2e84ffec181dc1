import { describe, expect, it } from 'vitest';
import { LEARNERS } from '../../../../processor/state/learners.js';
import { detection } from './detection.js';

describe('ec2-instance-admin-profile routes', () => {
  it('routes the launches and every IAM action the state cache learns roles and profiles from', () => {
    // CreateAccessKey teaches access keys, which this detection does not look at.
    const roleLearners = [...LEARNERS.keys()].filter(
      (action) => action.startsWith('iam:') && action !== 'iam:CreateAccessKey',
    );
    expect(roleLearners).toHaveLength(10);
    expect(detection.routes).toEqual([
      {
        source: 'cloudtrail',
        actions: [
          'ec2:RunInstances',
          'ec2:AssociateIamInstanceProfile',
          'ec2:ReplaceIamInstanceProfileAssociation',
          ...roleLearners,
        ],
      },
    ]);
  });
});
