import { contentAdapterContract } from '../../../test/contract/content-adapter.ts';
import { webflowFixture } from '../../../test/fixtures/cms/webflow.ts';

contentAdapterContract('Webflow', webflowFixture);
