/**
 * Every text the portal shows, in one place so that it can be translated as a whole. Sections
 * read their words from here (through `PortalContext.strings`), never inline.
 */
export const strings = {
  app: {
    title: 'Integrations',
    skipToContent: 'Skip to content',
    mainNav: 'Sections',
    loading: 'Loading…',
    readOnly: 'Read only',
    readOnlyHint: 'This view is read only: actions are not available.',
    sessionEnded: 'Your portal session has ended or is not valid. Open the portal again from your application.',
    notFound: 'There is no such page.',
    dismiss: 'Dismiss',
    notifications: 'Notifications',
    errorPrefix: 'Something went wrong:',
    retry: 'Try again',
    back: 'Back',
  },
  table: {
    empty: 'Nothing to show.',
    firstPage: 'First page',
    nextPage: 'Next page',
    previousPage: 'Previous page',
    pageN: (n: number) => `Page ${n}`,
    pagination: 'Pagination',
  },
  form: {
    save: 'Save',
    cancel: 'Cancel',
    apply: 'Apply',
    all: 'All',
    required: 'required',
    saved: 'Saved.',
    confirm: 'Are you sure?',
  },
  status: {
    active: 'Active',
    needs_reauth: 'Needs reconnecting',
    error: 'Error',
    pending: 'Pending',
    deleted: 'Deleted',
    running: 'Running',
    queued: 'Queued',
    succeeded: 'Succeeded',
    success: 'Succeeded',
    completed: 'Completed',
    failed: 'Failed',
    retry_scheduled: 'Retry scheduled',
    cancelled: 'Cancelled',
    delivered: 'Delivered',
    processed: 'Processed',
    healthy: 'Healthy',
    degraded: 'Degraded',
    failing: 'Failing',
    unknown: 'Unknown',
  } as Record<string, string>,
  nav: {
    connections: 'Connections',
    syncs: 'Syncs',
    content: 'Content',
    conflicts: 'Conflicts',
    ads: 'Ads',
    webhooks: 'Webhooks',
    failures: 'Failures',
  },
  time: {
    never: 'never',
    justNow: 'just now',
  },
};

export type Strings = typeof strings;
