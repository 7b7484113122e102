import type { Family } from '../../../providers/types.ts';

/**
 * Every word the connect pages show, in one place so that a translation is one more object of
 * this shape (`ConnectStrings`). Functions take what a sentence needs; the views never build
 * sentences themselves.
 */
export const en = {
  lang: 'en',
  pickTitle: 'Choose a platform to connect',
  pickIntro: (org: string) => `${org} asks you to connect one of these accounts.`,
  families: { ads: 'Ads platforms', cms: 'Websites' } satisfies Record<Family, string>,
  connectTitle: (p: string) => `Connect ${p}`,
  oauthIntro: (p: string) => `You will be sent to ${p} to approve access, then brought back here.`,
  oauthButton: (p: string) => `Continue to ${p}`,
  credentialIntro: (p: string) =>
    `Enter the details of your ${p} site. They are checked with ${p} before anything is saved, and stored encrypted.`,
  credentialButton: 'Connect',
  optional: '(optional)',
  chooseAnother: 'Choose another platform',
  poweredBy: (org: string) => `Connecting to ${org}`,
  connectedTitle: (p: string) => `${p} connected`,
  connectedMessage: (p: string) => `Your ${p} account is connected.`,
  failedTitle: 'Connection failed',
  cannotConnect: 'Cannot connect',
  closeWindow: 'You can close this window.',
  backToApp: 'Back to the application',
  somethingWrong: (id: string) =>
    `Something went wrong (request ${id}). Start again from the application; if it happens again, give this request number to its support.`,
  errorHeading: 'Please check the form',
  fieldRequired: (label: string) => `Enter the ${label.toLowerCase()}.`,
  fieldInvalid: (label: string) => `The ${label.toLowerCase()} is not in the expected form.`,
  /** What to do when a platform refuses the typed credentials, where there is more to say than "check them". */
  credentialsRefused: (p: string) => `${p} did not accept these details: check them and try again.`,
  platformSaid: (detail: string) => `Details: ${detail}`,
  unreachable: (p: string) =>
    `Could not reach that ${p} site: check the address (for example https://www.example.com) and that the site is online, then try again.`,
  notPublic: 'That address cannot be used: enter the public address of your site, starting with https://.',
  unknownPlatform: 'This connect link does not offer that platform; choose one from the list.',
  tooManyAttempts: 'Too many wrong attempts: start again from the application.',
};

export type ConnectStrings = typeof en;

/** The strings the pages use today; one language until a second one is added beside `en`. */
export const strings: ConnectStrings = en;
