import { contentSyncScenario } from '../contract/content-sync-scenario.ts';
import { joomlaFixture } from '../fixtures/cms/joomla.ts';

contentSyncScenario('Joomla', joomlaFixture);
