/**
 * The words of the Content, Conflicts and Ads pages. They sit beside the pages (not in
 * web/shared/strings.ts) so that the three sections stay one change; a translation takes this
 * module along with the shared one.
 */
export const fieldLabels: Record<string, string> = {
  title: 'Title',
  body_html: 'Body',
  bodyHtml: 'Body',
  excerpt: 'Excerpt',
  slug: 'Slug',
  status: 'Status',
  categories: 'Categories',
  tags: 'Tags',
  featured_media: 'Featured image',
  featuredMedia: 'Featured image',
  author: 'Author',
  remote_id: 'Site id',
};

export const contentStrings = {
  title: 'Content',
  itemsCaption: 'Content items and their state on each site',
  stateFilter: 'State on a site',
  anyState: 'Any state',
  states: {
    pending: 'Pending',
    synced: 'Synced',
    conflict: 'In conflict',
    remote_deleted: 'Deleted on the site',
    rolled_back: 'Rolled back',
    failed: 'Failed',
  } as Record<string, string>,
  columns: { select: 'Select', title: 'Title', kind: 'Kind', status: 'Status', sites: 'On sites', updated: 'Updated' },
  notOnAnySite: 'Not published yet',
  selectItem: (title: string) => `Select “${title}”`,
  selectPage: 'Select every item on this page',
  selected: (n: number) => `${n} selected`,
  publishSelected: 'Publish selected…',
  publishTitle: 'Publish',
  sitesLegend: 'Sites to publish to',
  noSites: 'No site is connected that takes content.',
  preview: 'Preview changes (dry run)',
  previewing: 'Working out what would change…',
  planCaption: 'What publishing would do, item by item and field by field',
  planColumns: { item: 'Item', site: 'Site', action: 'Action', field: 'Field', from: 'From', to: 'To' },
  actions: {
    create: 'Create',
    update: 'Update',
    adopt: 'Adopt',
    noop: 'Skip (no change)',
    refuse: 'Refused',
  } as Record<string, string>,
  planSummary: (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([a, n]) => `${n} × ${contentStrings.actions[a] ?? a}`)
      .join(', '),
  nothing: '—',
  confirm: 'Confirm and publish',
  cancel: 'Cancel',
  published: 'Publishing started.',
  batchTitle: 'Publish batch',
  progressLabel: 'Publishing progress',
  progressText: (done: number, failed: number, total: number) => `${done} of ${total} done, ${failed} failed`,
  batchItemsCaption: 'Each item on each site',
  batchColumns: { item: 'Item', site: 'Site', status: 'Status', action: 'Action', error: 'Error' },
  rollback: 'Roll back this batch',
  rollbackConfirm: 'Undo this batch: remove the items it created and restore the previous version of those it updated?',
  rollingBack: 'Rolling back.',
  backToItems: 'Back to content',
  batches: 'Recent batches',
  batchesCaption: 'Publish batches, newest first',
  batchColumnsList: { created: 'Started', status: 'Status', progress: 'Progress', dryRun: 'Dry run' },
  yes: 'Yes',
  no: 'No',
  viewBatch: (when: string) => `Batch of ${when}`,
};
