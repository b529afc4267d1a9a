/**
 * What each scope lets an application learn, in plain words, for the consent page. An unknown
 * scope is shown as is rather than hidden.
 */
const SCOPE_TEXT: Record<string, string> = {
  'sim-swap': 'Whether and when the SIM card of your line was last changed',
  'sim-swap:check': 'Whether the SIM card of your line was changed recently',
  'sim-swap:retrieve-date': 'When the SIM card of your line was last changed',
  'kyc-match:match':
    'Whether details they hold about you (such as your name or address) match those your operator holds. They do not receive your details.',
  'number-verification:verify':
    'Whether the phone number you gave them is the one of the phone you are using',
  'number-verification:device-phone-number:read': 'The phone number of the phone you are using',
};

export function describeScope(scope: string): string {
  return Object.hasOwn(SCOPE_TEXT, scope) ? (SCOPE_TEXT[scope] as string) : scope;
}
