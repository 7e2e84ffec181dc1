import { instanceLaunch } from '../instance-launch.js';
import { at, items, request, response, text } from '../record.js';
import { actor, cloudTrailRule } from '../rule.js';

/**
 * `deniedImages`: AMI ids that must not be launched (images with known-vulnerable packages, such as the
 * Fedora Rawhide and Debian testing images that shipped the backdoored xz 5.6.0/5.6.1, CVE-2024-3094;
 * deprecated golden images). Empty by default: shardwatch ships no AMI list.
 */
export const DEFAULT_PARAMS = { deniedImages: [] as string[] };

export const detection = cloudTrailRule({
  id: 'ec2-instance-launched-from-denied-image',
  title: 'EC2 instance launched from a denied AMI',
  description:
    'An instance was launched from an AMI on the `deniedImages` list: an image known to carry a vulnerable or ' +
    'backdoored package (the xz-utils backdoor, CVE-2024-3094, let attackers bypass SSH authentication) or a ' +
    'retired golden image. The instance runs that software from its first boot. The list is configuration: ' +
    'fill it from your vulnerability scanner or the distribution advisories.',
  severity: 'high',
  mitre: ['T1195.001', 'T1578.002'],
  tactics: ['initial-access'],
  failedCalls: 'ignored',
  panther: {
    rules: ['AWS.EC2.Vulnerable.XZ.Image.Launched'],
    differences: [
      {
        rule: 'AWS.EC2.Vulnerable.XZ.Image.Launched',
        test: 'Single vulnerable AMI Launched',
        reason:
          'shardwatch ships no list of vulnerable AMIs: the AMI ids are configuration (`deniedImages`), empty by default',
      },
      {
        rule: 'AWS.EC2.Vulnerable.XZ.Image.Launched',
        test: 'Multiple vulnerable AMIs Launched',
        reason:
          'shardwatch ships no list of vulnerable AMIs: the AMI ids are configuration (`deniedImages`), empty by default',
      },
    ],
  },
  runbook: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-allowed-amis.html',
  remediation:
    'Terminate or rebuild the instances from an approved image (`aws ec2 terminate-instances --instance-ids ' +
    '<ids>`), check them for compromise if they were reachable, and block the image with Allowed AMIs (EC2 ' +
    'console → Settings → Allowed AMIs, or `aws ec2 enable-allowed-images-settings`) or an SCP on `ec2:ImageId`.',
  actions: ['ec2:RunInstances'],
  settings: (read) => new Set(read.strings('deniedImages', DEFAULT_PARAMS.deniedImages)),
  match: (event, denied) => {
    if (denied.size === 0) return null;
    const images = [
      ...items(request(event, 'instancesSet')).map((item) => text(at(item, 'imageId'))),
      ...items(response(event, 'instancesSet')).map((item) => text(at(item, 'imageId'))),
      text(request(event, 'imageId')),
    ].filter((image): image is string => image !== null && denied.has(image));
    if (images.length === 0) return null;
    const image = images[0] as string;
    const launch = instanceLaunch(event);
    const instances =
      launch.instanceIds.length > 0 ? launch.instanceIds.join(', ') : `${launch.count} instance(s)`;
    const who = actor(event);
    return {
      key: `${event.account}:${image}:${launch.instanceIds.join(',') || event.id}`,
      title: `${instances} launched from denied image ${image} by ${who}`,
      description: `${who} launched ${instances} in ${event.region ?? 'an unknown region'} from ${image}, which is on the deniedImages list.`,
      resources: launch.resources,
      context: {
        imageId: image,
        instanceIds: launch.instanceIds.join(','),
        instanceType: launch.instanceType ?? '',
      },
    };
  },
});
