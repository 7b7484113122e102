import { describe } from 'node:test';
import { contentRaceScenario } from '../contract/content-race-scenario.ts';
import { contentSyncScenario } from '../contract/content-sync-scenario.ts';
import { wordpressFixture } from '../fixtures/cms/wordpress.ts';

contentSyncScenario('WordPress', wordpressFixture);

describe('forced races and the dry run against the WordPress sandbox', () => {
  contentRaceScenario('WordPress', wordpressFixture);
});
