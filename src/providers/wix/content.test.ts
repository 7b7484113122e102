import { contentAdapterContract } from '../../../test/contract/content-adapter.ts';
import { wixFixture } from '../../../test/fixtures/cms/wix.ts';

contentAdapterContract('Wix', wixFixture);
