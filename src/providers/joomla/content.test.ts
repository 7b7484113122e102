import { contentAdapterContract } from '../../../test/contract/content-adapter.ts';
import { joomlaFixture } from '../../../test/fixtures/cms/joomla.ts';

// Joomla's content API takes no uploads: images are only referenced by path (content.writes.test.ts).
contentAdapterContract('Joomla', joomlaFixture, { media: false });
