/**
 * SES calls that tell a caller whether and how the account can send mail: the first thing done with stolen
 * keys before a phishing or spam run (SES v1 and v2 names; both are logged with eventSource ses.amazonaws.com).
 */
export const SES_DISCOVERY_ACTIONS = [
  'ses:GetAccountSendingEnabled',
  'ses:GetSendQuota',
  'ses:GetSendStatistics',
  'ses:ListIdentities',
  'ses:ListVerifiedEmailAddresses',
  'ses:GetIdentityVerificationAttributes',
  'ses:GetIdentityDkimAttributes',
  'ses:GetAccount',
  'ses:ListEmailIdentities',
  'ses:GetEmailIdentity',
] as const;
