/** The words of the console's server-rendered pages (sign-in), in one place for translation. */
export const signInStrings = {
  lang: 'en',
  title: 'Plexus console',
  heading: 'Sign in to the Plexus console',
  intro:
    'Enter the admin token of this Plexus (PLEXUS_ADMIN_TOKEN). It is checked here and not kept in the browser: a session cookie is.',
  tokenLabel: 'Admin token',
  submit: 'Sign in',
  wrongToken: 'That is not the admin token of this Plexus. Check PLEXUS_ADMIN_TOKEN and try again.',
  disabled: 'The console is closed: this Plexus has no admin token. Set PLEXUS_ADMIN_TOKEN and restart it.',
  tooMany: 'Too many wrong tokens from this address: wait a minute, then try again.',
  otherSite: 'This form was sent from another site; open the console directly and sign in there.',
  signedOut: 'You are signed out.',
};
