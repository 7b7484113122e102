// SDKs that ship no type declarations; the contract tests use them as plain JavaScript.
declare module 'wpapi' {
  const WPAPI: new (o: { endpoint: string; username?: string; password?: string }) => any;
  export default WPAPI;
}
declare module 'facebook-nodejs-business-sdk' {
  const sdk: Record<string, unknown>;
  export default sdk;
}
