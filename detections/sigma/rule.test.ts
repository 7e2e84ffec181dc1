import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../schemas/types.js';
import { SigmaRuleError } from './errors.js';
import { eventView } from './event-view.js';
import type { Placeholders } from './modifiers.js';
import { compileRule } from './rule.js';

const origin = { file: 'test.yml', document: 1, license: null };

function rule(detection: Record<string, unknown>, placeholders: Placeholders = {}) {
  const body = { title: 'test', id: 'test', logsource: { product: 'aws', service: 'cloudtrail' }, detection };
  return compileRule(body, origin, placeholders);
}

/** Whether a rule with this detection section matches the record. */
function matches(
  detection: Record<string, unknown>,
  record: JsonValue,
  placeholders: Placeholders = {},
): boolean {
  return rule(detection, placeholders).predicate(eventView(record));
}

function compileError(detection: Record<string, unknown>, placeholders: Placeholders = {}): SigmaRuleError {
  try {
    rule(detection, placeholders);
  } catch (error) {
    if (error instanceof SigmaRuleError) return error;
    throw error;
  }
  throw new Error('expected a compile error');
}

const login = {
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  errorCode: null,
  sourceIPAddress: '198.51.100.7',
  userAgent: 'Mozilla/5.0 (TruffleHog)',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', userName: 'alice' },
  additionalEventData: { MFAUsed: 'No', LoginTo: 'https://console.aws.amazon.com' },
  responseElements: { ConsoleLogin: 'Success' },
  requestParameters: {
    tags: ['prod', 'pci'],
    limits: { count: 5 },
    containers: [{ command: ['sh', '-c', 'curl x'] }, { command: ['ls'] }],
  },
  readOnly: false,
  'dotted.key': 'literal',
  port: 443,
  portText: '8080',
  empty: '',
};

describe('Sigma field matching', () => {
  it('maps are AND, a value list is OR, lists of maps are OR', () => {
    expect(matches({ s: { eventName: 'ConsoleLogin', errorCode: null }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { eventName: 'ConsoleLogin', userAgent: 'curl' }, condition: 's' }, login)).toBe(
      false,
    );
    expect(matches({ s: { eventName: ['GetObject', 'ConsoleLogin'] }, condition: 's' }, login)).toBe(true);
    expect(
      matches({ s: [{ eventName: 'GetObject' }, { 'userIdentity.type': 'Root' }], condition: 's' }, login),
    ).toBe(false);
    expect(
      matches({ s: [{ eventName: 'GetObject' }, { 'userIdentity.type': 'IAMUser' }], condition: 's' }, login),
    ).toBe(true);
  });

  it('compares strings without case unless cased', () => {
    expect(matches({ s: { eventName: 'consolelogin' }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { 'eventName|cased': 'consolelogin' }, condition: 's' }, login)).toBe(false);
    expect(matches({ s: { 'eventName|cased': 'ConsoleLogin' }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { 'userAgent|contains|cased': 'trufflehog' }, condition: 's' }, login)).toBe(false);
  });

  it('treats * and ? as wildcards and \\*, \\?, \\\\ as plain characters', () => {
    expect(matches({ s: { eventName: 'Console*' }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { eventName: 'Console?ogin' }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { eventName: 'Console??ogin' }, condition: 's' }, login)).toBe(false);
    const star = { path: 'C:\\temp\\*.exe', file: 'C:\\temp\\evil.exe', back: 'a\\b' };
    expect(matches({ s: { path: 'C:\\temp\\\\*.exe' }, condition: 's' }, star)).toBe(true); // \\* = backslash, wildcard
    expect(matches({ s: { file: 'C:\\temp\\\\*.exe' }, condition: 's' }, star)).toBe(true);
    expect(matches({ s: { path: 'C:\\temp\\\\\\*.exe' }, condition: 's' }, star)).toBe(true); // \\\* = backslash, star
    expect(matches({ s: { file: 'C:\\temp\\\\\\*.exe' }, condition: 's' }, star)).toBe(false);
    expect(matches({ s: { back: 'a\\b' }, condition: 's' }, star)).toBe(true); // a plain backslash
    expect(matches({ s: { back: 'a\\\\b' }, condition: 's' }, star)).toBe(true); // \\ is one backslash
    expect(matches({ s: { 'eventName|contains': 'sole\\?' }, condition: 's' }, login)).toBe(false);
  });

  it('startswith, endswith, contains; contains|all needs every value', () => {
    expect(matches({ s: { 'userAgent|startswith': 'mozilla' }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { 'userAgent|endswith': '(trufflehog)' }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { 'userAgent|contains|all': ['Mozilla', 'Truffle'] }, condition: 's' }, login)).toBe(
      true,
    );
    expect(matches({ s: { 'userAgent|contains|all': ['Mozilla', 'curl'] }, condition: 's' }, login)).toBe(
      false,
    );
    expect(matches({ s: { 'userAgent|contains': ['curl', 'Truffle'] }, condition: 's' }, login)).toBe(true);
  });

  it('long lists of contains / startswith / endswith values (searched at once) match as single values do', () => {
    const agents = Array.from({ length: 40 }, (_, n) => `Tool${n}/`);
    expect(
      matches({ s: { 'userAgent|contains': agents }, condition: 's' }, { userAgent: 'x tool39/1.0' }),
    ).toBe(true);
    expect(
      matches({ s: { 'userAgent|contains': agents }, condition: 's' }, { userAgent: 'x tool40/1.0' }),
    ).toBe(false);
    expect(
      matches({ s: { 'userAgent|contains|cased': agents }, condition: 's' }, { userAgent: 'x tool39/1.0' }),
    ).toBe(false);
    expect(matches({ s: { 'userAgent|startswith': agents }, condition: 's' }, { userAgent: 'tool7/2' })).toBe(
      true,
    );
    expect(
      matches({ s: { 'userAgent|startswith': agents }, condition: 's' }, { userAgent: 'x tool7/2' }),
    ).toBe(false);
    expect(matches({ s: { 'userAgent|endswith': agents }, condition: 's' }, { userAgent: 'x TOOL7/' })).toBe(
      true,
    );
    expect(matches({ s: { 'userAgent|endswith': agents }, condition: 's' }, { userAgent: 'x tool7/2' })).toBe(
      false,
    );
    expect(
      matches({ keywords: agents.map((a) => `${a}(`), condition: 'keywords' }, { any: 'tool3/(x)' }),
    ).toBe(true);
  });

  it('null matches a missing field or JSON null; empty string only an empty string; exists sees null as present', () => {
    expect(matches({ s: { errorCode: null }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { errorMessage: null }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { eventName: null }, condition: 's' }, login)).toBe(false);
    expect(matches({ s: { empty: '' }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { errorMessage: '' }, condition: 's' }, login)).toBe(false);
    expect(matches({ s: { 'errorCode|exists': true }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { 'errorMessage|exists': false }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { 'errorMessage|exists': true }, condition: 's' }, login)).toBe(false);
    expect(matches({ s: { 'errorMessage|contains': '*' }, condition: 's' }, login)).toBe(false);
    expect(matches({ s: { 'eventName|contains': '*' }, condition: 's' }, login)).toBe(true);
  });

  it('follows dotted paths, keys holding dots, and arrays element by element', () => {
    expect(matches({ s: { 'additionalEventData.MFAUsed': 'NO' }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { 'dotted.key': 'literal' }, condition: 's' }, login)).toBe(true);
    expect(
      matches({ s: { 'requestParameters.containers.command|contains': 'curl' }, condition: 's' }, login),
    ).toBe(true);
    expect(matches({ s: { 'requestParameters.containers.command': 'ls' }, condition: 's' }, login)).toBe(
      true,
    );
    expect(matches({ s: { 'requestParameters.tags': 'pci' }, condition: 's' }, login)).toBe(true);
  });

  it('matches string modifiers against the compact JSON text of an object or array', () => {
    expect(matches({ s: { 'requestParameters|contains': '"count":5' }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { 'requestParameters.tags': '["prod","pci"]' }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { 'requestParameters.limits|contains': '"COUNT"' }, condition: 's' }, login)).toBe(
      true,
    );
  });

  it('compares numbers and booleans by value, as strings or JSON', () => {
    expect(matches({ s: { port: 443 }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { port: '443' }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { portText: 8080 }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { readOnly: 'false' }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { readOnly: false }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { readOnly: true }, condition: 's' }, login)).toBe(false);
  });

  it('gt, gte, lt, lte compare numbers and numeric strings; a missing field never compares', () => {
    expect(matches({ s: { 'port|gt': 442 }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { 'port|gt': 443 }, condition: 's' }, login)).toBe(false);
    expect(matches({ s: { 'port|gte': 443 }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { 'portText|lt': 8081 }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { 'portText|lte': 8079 }, condition: 's' }, login)).toBe(false);
    expect(matches({ s: { 'nothing|lt': 1 }, condition: 's' }, login)).toBe(false);
    expect(compileError({ s: { 'port|gt': 'many' }, condition: 's' }).reason).toBe('invalid_modifier');
  });

  it('neq holds when none of the values does, a missing field included', () => {
    expect(matches({ s: { 'eventName|neq': 'GetObject' }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { 'eventName|neq': ['GetObject', 'ConsoleLogin'] }, condition: 's' }, login)).toBe(
      false,
    );
    expect(matches({ s: { 'nothing|neq': 'x' }, condition: 's' }, login)).toBe(true);
  });

  it('re searches anywhere, case-sensitive unless i; m and s change ^, $ and .', () => {
    const text = { message: 'first line\nSecond Line' };
    expect(matches({ s: { 'userIdentity.arn|re': ':user/al' }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { 'userIdentity.arn|re': ':USER/' }, condition: 's' }, login)).toBe(false);
    expect(matches({ s: { 'userIdentity.arn|re|i': ':USER/' }, condition: 's' }, login)).toBe(true);
    expect(matches({ s: { 'message|re': '^Second' }, condition: 's' }, text)).toBe(false);
    expect(matches({ s: { 'message|re|m': '^Second' }, condition: 's' }, text)).toBe(true);
    expect(matches({ s: { 'message|re': 'line.Second' }, condition: 's' }, text)).toBe(false);
    expect(matches({ s: { 'message|re|s': 'line.Second' }, condition: 's' }, text)).toBe(true);
  });

  it('refuses what the linear-time engine cannot express, naming the construct and where', () => {
    const error = compileError({ s: { 'userAgent|re': '(a)\\1' }, condition: 's' });
    expect(error.reason).toBe('regex_unsupported');
    expect(error.where).toBe('detection.s.userAgent|re');
    expect(compileError({ s: { 'userAgent|re': 'x(?=y)' }, condition: 's' }).reason).toBe(
      'regex_unsupported',
    );
    expect(compileError({ s: { 'userAgent|contains|re': 'x' }, condition: 's' }).reason).toBe(
      'invalid_modifier',
    );
  });

  it('cidr matches IPv4 and IPv6 networks; other values never', () => {
    expect(matches({ s: { 'sourceIPAddress|cidr': '198.51.100.0/24' }, condition: 's' }, login)).toBe(true);
    expect(
      matches({ s: { 'sourceIPAddress|cidr': ['10.0.0.0/8', '198.51.100.7'] }, condition: 's' }, login),
    ).toBe(true);
    expect(matches({ s: { 'sourceIPAddress|cidr': '198.51.101.0/24' }, condition: 's' }, login)).toBe(false);
    expect(matches({ s: { 'ip|cidr': '2001:db8::/32' }, condition: 's' }, { ip: '2001:db8:1::5' })).toBe(
      true,
    );
    expect(matches({ s: { 'ip|cidr': '10.0.0.0/8' }, condition: 's' }, { ip: 'AWS Internal' })).toBe(false);
    expect(compileError({ s: { 'ip|cidr': '10.0.0.0/33' }, condition: 's' }).reason).toBe('invalid_value');
  });

  it('base64, base64offset and the utf16 encodings', () => {
    const encoded = { data: Buffer.from('say hello world').toString('base64') };
    expect(matches({ s: { 'data|base64offset|contains': 'hello' }, condition: 's' }, encoded)).toBe(true);
    expect(matches({ s: { 'data|base64offset|contains': 'goodbye' }, condition: 's' }, encoded)).toBe(false);
    expect(matches({ s: { 'data|base64': 'say hello world' }, condition: 's' }, encoded)).toBe(true);
    const wide = { data: Buffer.from('cmd /c whoami', 'utf16le').toString('base64') };
    expect(matches({ s: { 'data|wide|base64offset|contains': 'whoami' }, condition: 's' }, wide)).toBe(true);
    expect(matches({ s: { 'data|utf16le|base64': 'cmd /c whoami' }, condition: 's' }, wide)).toBe(true);
    expect(matches({ s: { 'data|base64offset|contains': 'whoami' }, condition: 's' }, wide)).toBe(false);
    const bom = {
      data: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id', 'utf16le')]).toString('base64'),
    };
    expect(matches({ s: { 'data|utf16|base64': 'id' }, condition: 's' }, bom)).toBe(true);
    const be = { data: Buffer.from([0, 0x69, 0, 0x64]).toString('base64') };
    expect(matches({ s: { 'data|utf16be|base64': 'id' }, condition: 's' }, be)).toBe(true);
    expect(compileError({ s: { 'data|contains|base64': 'x' }, condition: 's' }).reason).toBe(
      'invalid_modifier',
    );
  });

  it('windash matches any dash or slash starting a word', () => {
    const command = { cmd: 'net user /add bob', other: 'net user —add bob' };
    expect(matches({ s: { 'cmd|windash|contains': ' -add ' }, condition: 's' }, command)).toBe(true);
    expect(matches({ s: { 'other|windash|contains': ' -add ' }, condition: 's' }, command)).toBe(true);
    expect(matches({ s: { 'cmd|windash|contains': 'user-add' }, condition: 's' }, command)).toBe(false);
  });

  it('fieldref compares two fields of the event, with the position modifiers', () => {
    const record = { a: 'alice', b: 'alice', arn: 'arn:aws:iam::1:user/alice', c: 'ALICE' };
    expect(matches({ s: { 'a|fieldref': 'b' }, condition: 's' }, record)).toBe(true);
    expect(matches({ s: { 'a|fieldref': 'c' }, condition: 's' }, record)).toBe(false);
    expect(matches({ s: { 'arn|fieldref|endswith': 'a' }, condition: 's' }, record)).toBe(true);
    expect(matches({ s: { 'arn|fieldref|contains': 'b' }, condition: 's' }, record)).toBe(true);
    expect(matches({ s: { 'a|fieldref': 'missing' }, condition: 's' }, record)).toBe(false);
  });

  it('time modifiers compare a date part in UTC', () => {
    const record = { eventTime: '2026-03-04T22:15:00Z' };
    expect(matches({ s: { 'eventTime|hour': 22 }, condition: 's' }, record)).toBe(true);
    expect(
      matches(
        {
          s: { 'eventTime|minute': 15, 'eventTime|month': 3, 'eventTime|day': 4, 'eventTime|year': 2026 },
          condition: 's',
        },
        record,
      ),
    ).toBe(true);
    expect(matches({ s: { 'eventTime|week': 10 }, condition: 's' }, record)).toBe(true);
  });

  it('expand replaces placeholders with their configured values, and refuses unknown ones', () => {
    const admins = { Admins: ['root', 'ops-*'] };
    expect(
      matches({ s: { 'userIdentity.userName|expand': '%Admins%' }, condition: 's' }, login, admins),
    ).toBe(false);
    expect(matches({ s: { 'user|expand': '%Admins%' }, condition: 's' }, { user: 'ops-jane' }, admins)).toBe(
      true,
    );
    expect(matches({ s: { user: '%Admins%' }, condition: 's' }, { user: '%Admins%' }, admins)).toBe(true);
    const error = compileError({ s: { 'user|expand': '%Servers%' }, condition: 's' }, admins);
    expect(error.reason).toBe('placeholder_unresolved');
    expect(error.message).toContain('%Servers%');
  });

  it('rejects unknown modifiers and malformed values with where they are', () => {
    const unknown = compileError({ s: { 'eventName|startswith|bogus': 'x' }, condition: 's' });
    expect([unknown.reason, unknown.where, unknown.detail]).toEqual([
      'unsupported_modifier',
      'detection.s.eventName|startswith|bogus',
      "unknown modifier 'bogus'",
    ]);
    expect(compileError({ s: { eventName: { nested: 1 } }, condition: 's' }).reason).toBe('invalid_value');
    expect(compileError({ s: { eventName: [] }, condition: 's' }).reason).toBe('invalid_value');
  });
});

describe('Sigma keyword search', () => {
  it('searches the whole record (its JSON text) without case, anywhere', () => {
    expect(matches({ keywords: ['trufflehog'], condition: 'keywords' }, login)).toBe(true);
    expect(matches({ keywords: ['nothing-like-this', 'USER/ALICE'], condition: 'keywords' }, login)).toBe(
      true,
    );
    expect(matches({ keywords: ['"MFAUsed":"No"'], condition: 'keywords' }, login)).toBe(true);
    expect(matches({ keywords: ['Mozilla*TruffleHog'], condition: 'keywords' }, login)).toBe(true);
    expect(matches({ keywords: ['absent'], condition: 'keywords' }, login)).toBe(false);
    expect(matches({ keywords: 'consolelogin', condition: 'keywords' }, login)).toBe(true);
    expect(matches({ keywords: [8080], condition: 'keywords' }, login)).toBe(true);
    expect(matches({ keywords: [8081], condition: 'keywords' }, login)).toBe(false);
  });

  it("'|all' needs every keyword; 're' searches the text", () => {
    expect(matches({ keywords: { '|all': ['alice', 'ConsoleLogin'] }, condition: 'keywords' }, login)).toBe(
      true,
    );
    expect(matches({ keywords: { '|all': ['alice', 'bob'] }, condition: 'keywords' }, login)).toBe(false);
    expect(matches({ keywords: { '|re': 'user/[a-z]+"' }, condition: 'keywords' }, login)).toBe(true);
    expect(compileError({ keywords: { '|cidr': '10.0.0.0/8' }, condition: 'keywords' }).reason).toBe(
      'invalid_value',
    );
  });
});

describe('Sigma conditions', () => {
  const detection = {
    selection_login: { eventName: 'ConsoleLogin' },
    selection_other: { eventName: 'GetObject' },
    filter_mfa: { 'additionalEventData.MFAUsed': 'Yes' },
    filter_agent: { 'userAgent|contains': 'TruffleHog' },
    _helper: { eventName: 'Nothing' },
  };
  const holds = (condition: string | string[]) => matches({ ...detection, condition }, login);

  it('1 of / all of a pattern, them without _identifiers', () => {
    expect(holds('1 of selection_*')).toBe(true);
    expect(holds('all of selection_*')).toBe(false);
    expect(holds('1 of them')).toBe(true);
    expect(holds('all of them')).toBe(false);
    expect(holds('all of filter_* or selection_login')).toBe(true);
    expect(
      matches({ a: { eventName: 'ConsoleLogin' }, _b: { eventName: 'x' }, condition: 'all of them' }, login),
    ).toBe(true);
  });

  it('not, not 1 of, and binds tighter than or, parentheses, lists of conditions', () => {
    expect(holds('selection_login and not 1 of filter_*')).toBe(false);
    expect(holds('selection_login and not filter_mfa')).toBe(true);
    expect(holds('selection_other and filter_agent or selection_login')).toBe(true);
    expect(holds('selection_other and (filter_agent or selection_login)')).toBe(false);
    expect(holds('not selection_other and selection_login')).toBe(true);
    expect(holds('not (selection_other or selection_login)')).toBe(false);
    expect(holds('NOT selection_other AND selection_login')).toBe(true);
    expect(holds(['selection_other', 'selection_login'])).toBe(true);
  });

  it('names what is wrong: unknown identifiers, empty patterns, syntax, v1 aggregations', () => {
    const error = (condition: string) => compileError({ ...detection, condition });
    expect(error('selection_login and missing')).toMatchObject({
      reason: 'unknown_identifier',
      where: 'detection.condition',
    });
    expect(error('1 of nothing_*').reason).toBe('condition_invalid');
    expect(error('selection_login and').reason).toBe('condition_invalid');
    expect(error('(selection_login').reason).toBe('condition_invalid');
    expect(error('selection_login selection_other').reason).toBe('condition_invalid');
    expect(error('2 of selection_*').reason).toBe('condition_invalid');
    expect(error('selection_login | count() > 5').detail).toContain('correlation rule');
  });
});
