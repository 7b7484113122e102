import { contentAdapterContract } from '../../../test/contract/content-adapter.ts';
import { shopifyFixture } from '../../../test/fixtures/cms/shopify.ts';

// Articles have no categories on Shopify (tags only), so the contract's category check is off;
// tags, pages and products are covered in content-shopify.test.ts.
contentAdapterContract('Shopify', shopifyFixture, { taxonomy: false });
