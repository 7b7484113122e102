import { contentAdapterContract } from '../../../test/contract/content-adapter.ts';
import { wordpressFixture } from '../../../test/fixtures/cms/wordpress.ts';

contentAdapterContract('WordPress', wordpressFixture);
