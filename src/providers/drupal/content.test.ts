import { contentAdapterContract } from '../../../test/contract/content-adapter.ts';
import { drupalFixture } from '../../../test/fixtures/cms/drupal.ts';

// Core articles have tags but no categories: tags by name are covered in content.writes.test.ts.
contentAdapterContract('Drupal', drupalFixture, { taxonomy: false });
