import type { Family } from '../../../providers/types.ts';

/**
 * Every word the connect pages show, in one place so that a translation is one more object of
 * this shape. Functions take what a sentence needs; the views never build sentences themselves.
 */
export interface ConnectStrings {
  lang: string;
  pickTitle: string;
  pickIntro: (org: string) => string;
  families: Record<Family, string>;
  connectTitle: (platform: string) => string;
  oauthIntro: (platform: string) => string;
  oauthButton: (platform: string) => string;
  credentialIntro: (platform: string) => string;
  credentialButton: string;
  optional: string;
  chooseAnother: string;
  poweredBy: (org: string) => string;
  connectedTitle: (platform: string) => string;
  connectedMessage: (platform: string) => string;
  failedTitle: string;
  cannotConnect: string;
  closeWindow: string;
  backToApp: string;
  somethingWrong: (requestId: string) => string;
  errorHeading: string;
  fieldRequired: (label: string) => string;
  fieldInvalid: (label: string) => string;
  /** What to do when a platform refuses the typed credentials, where there is more to say than "check them". */
  credentialsRefused: (platform: string) => string;
  platformSaid: (detail: string) => string;
  unreachable: (platform: string) => string;
  notPublic: string;
  unknownPlatform: string;
  tooManyAttempts: string;
}

export const en: ConnectStrings = {
  lang: 'en',
  pickTitle: 'Choose a platform to connect',
  pickIntro: (org) => `${org} asks you to connect one of these accounts.`,
  families: { ads: 'Ads platforms', cms: 'Websites' },
  connectTitle: (p) => `Connect ${p}`,
  oauthIntro: (p) => `You will be sent to ${p} to approve access, then brought back here.`,
  oauthButton: (p) => `Continue to ${p}`,
  credentialIntro: (p) =>
    `Enter the details of your ${p} site. They are checked with ${p} before anything is saved, and stored encrypted.`,
  credentialButton: 'Connect',
  optional: '(optional)',
  chooseAnother: 'Choose another platform',
  poweredBy: (org) => `Connecting to ${org}`,
  connectedTitle: (p) => `${p} connected`,
  connectedMessage: (p) => `Your ${p} account is connected.`,
  failedTitle: 'Connection failed',
  cannotConnect: 'Cannot connect',
  closeWindow: 'You can close this window.',
  backToApp: 'Back to the application',
  somethingWrong: (id) =>
    `Something went wrong (request ${id}). Start again from the application; if it happens again, give this request number to its support.`,
  errorHeading: 'Please check the form',
  fieldRequired: (label) => `Enter the ${label.toLowerCase()}.`,
  fieldInvalid: (label) => `The ${label.toLowerCase()} is not in the expected form.`,
  credentialsRefused: (p) => `${p} did not accept these details: check them and try again.`,
  platformSaid: (detail) => `Details: ${detail}`,
  unreachable: (p) =>
    `Could not reach that ${p} site: check the address (for example https://www.example.com) and that the site is online, then try again.`,
  notPublic: 'That address cannot be used: enter the public address of your site, starting with https://.',
  unknownPlatform: 'This connect link does not offer that platform; choose one from the list.',
  tooManyAttempts: 'Too many wrong attempts: start again from the application.',
};

/** The strings the pages use today; one language until a second one is added beside `en`. */
export const strings: ConnectStrings = en;
