import type { JsonValue, SecurityEvent } from '../../../schemas/types.js';
import { type AddressRange, addressRange } from '../cidr.js';
import { type PortExposure, portExposure } from './port-exposure.js';
import { oneOrMany, scalar } from './query-shape.js';
import { at, items, request, response, text } from './record.js';

/** Where a security group rule lets traffic come from (ingress) or go to (egress). */
export type RulePeer =
  | { kind: 'cidr'; text: string; range: AddressRange | null }
  | { kind: 'prefix-list'; id: string }
  | { kind: 'security-group'; id: string };

/** One rule a security group call adds, removes or rewrites, whatever shape the call was recorded in. */
export interface SecurityGroupRule {
  /** Group id, or its name for default-VPC calls that give only `groupName`. */
  groupId: string;
  /** ModifySecurityGroupRules names a rule id only: the call does not say which direction it has. */
  direction: 'ingress' | 'egress' | 'unknown';
  exposure: PortExposure;
  peer: RulePeer;
}

/**
 * The rules of a security group call, from every shape CloudTrail writes:
 * - `requestParameters.ipPermissions.items[]` with `ipRanges`, `ipv6Ranges`, `prefixListIds` and `groups`
 *   (Authorize/Revoke ingress and egress);
 * - the older flat form, `cidrIp`/`ipProtocol`/`fromPort`/`toPort` (or a source group) on the request itself;
 * - `ModifySecurityGroupRulesRequest.SecurityGroupRule[].SecurityGroupRule` (`CidrIpv4`, `CidrIpv6`,
 *   `PrefixListId`, `ReferencedGroupId`);
 * - else the rules the response lists as created (`securityGroupRuleSet.items[]`).
 *
 *   securityGroupRules(event).filter((rule) => rule.peer.kind === 'cidr' && isInternetWide(rule.peer.range))
 */
export function securityGroupRules(event: SecurityEvent): SecurityGroupRule[] {
  const modify = request(event, 'ModifySecurityGroupRulesRequest');
  if (modify !== undefined) return modifiedRules(modify);
  const direction = event.action.endsWith('Egress') ? 'egress' : 'ingress';
  const groupId = text(request(event, 'groupId')) ?? text(request(event, 'groupName'));
  const requested =
    groupId === null
      ? []
      : [...listedRules(event, groupId, direction), ...flatRule(event, groupId, direction)];
  return requested.length > 0 ? requested : createdRules(event, direction);
}

function listedRules(
  event: SecurityEvent,
  groupId: string,
  direction: 'ingress' | 'egress',
): SecurityGroupRule[] {
  return items(request(event, 'ipPermissions')).flatMap((permission) => {
    const exposure = portExposure(
      at(permission, 'ipProtocol'),
      at(permission, 'fromPort'),
      at(permission, 'toPort'),
    );
    const peers: RulePeer[] = [
      ...items(at(permission, 'ipRanges')).map((range) => cidrPeer(at(range, 'cidrIp'))),
      ...items(at(permission, 'ipv6Ranges')).map((range) => cidrPeer(at(range, 'cidrIpv6'))),
      ...items(at(permission, 'prefixListIds')).map((list) =>
        idPeer('prefix-list', at(list, 'prefixListId')),
      ),
      ...items(at(permission, 'groups')).map((group) =>
        idPeer('security-group', at(group, 'groupId') ?? at(group, 'groupName')),
      ),
    ].filter((peer): peer is RulePeer => peer !== null);
    return peers.map((peer) => ({ groupId, direction, exposure, peer }));
  });
}

/** The legacy single-rule form: the rule's fields at the top of requestParameters. */
function flatRule(
  event: SecurityEvent,
  groupId: string,
  direction: 'ingress' | 'egress',
): SecurityGroupRule[] {
  const peer =
    cidrPeer(request(event, 'cidrIp')) ??
    cidrPeer(request(event, 'cidrIpv6')) ??
    idPeer('security-group', request(event, 'sourceSecurityGroupName'));
  if (peer === null) return [];
  const exposure = portExposure(
    request(event, 'ipProtocol'),
    request(event, 'fromPort'),
    request(event, 'toPort'),
  );
  return [{ groupId, direction, exposure, peer }];
}

function modifiedRules(modify: JsonValue): SecurityGroupRule[] {
  const groupId = scalar(at(modify, 'GroupId'));
  if (groupId === null) return [];
  return oneOrMany(at(modify, 'SecurityGroupRule')).flatMap((update) => {
    const rule = at(update, 'SecurityGroupRule');
    const peer =
      cidrPeer(scalar(at(rule, 'CidrIpv4'))) ??
      cidrPeer(scalar(at(rule, 'CidrIpv6'))) ??
      idPeer('prefix-list', scalar(at(rule, 'PrefixListId'))) ??
      idPeer('security-group', scalar(at(rule, 'ReferencedGroupId')));
    if (peer === null) return [];
    const exposure = portExposure(
      scalar(at(rule, 'IpProtocol')),
      scalar(at(rule, 'FromPort')),
      scalar(at(rule, 'ToPort')),
    );
    return [{ groupId, direction: 'unknown' as const, exposure, peer }];
  });
}

function createdRules(event: SecurityEvent, direction: 'ingress' | 'egress'): SecurityGroupRule[] {
  return items(response(event, 'securityGroupRuleSet')).flatMap((created) => {
    const groupId = text(at(created, 'groupId'));
    const peer =
      cidrPeer(at(created, 'cidrIpv4')) ??
      cidrPeer(at(created, 'cidrIpv6')) ??
      idPeer('prefix-list', at(created, 'prefixListId')) ??
      idPeer('security-group', at(at(created, 'referencedGroupInfo'), 'groupId'));
    if (groupId === null || peer === null) return [];
    const exposure = portExposure(at(created, 'ipProtocol'), at(created, 'fromPort'), at(created, 'toPort'));
    const isEgress = at(created, 'isEgress');
    return [
      {
        groupId,
        direction: typeof isEgress === 'boolean' ? (isEgress ? 'egress' : 'ingress') : direction,
        exposure,
        peer,
      },
    ];
  });
}

function cidrPeer(value: JsonValue | undefined): RulePeer | null {
  const cidr = text(value);
  return cidr === null ? null : { kind: 'cidr', text: cidr, range: addressRange(cidr) };
}

function idPeer(kind: 'prefix-list' | 'security-group', value: JsonValue | undefined): RulePeer | null {
  const id = text(value);
  return id === null ? null : { kind, id };
}

/** How a rule's peer reads in titles. */
export function peerLabel(peer: RulePeer): string {
  return peer.kind === 'cidr' ? peer.text : peer.id;
}
