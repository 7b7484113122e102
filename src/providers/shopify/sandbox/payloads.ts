/**
 * Webhook payloads: Shopify still sends them in the REST resource shape (`body_html`,
 * `published_at`, numeric ids, `admin_graphql_api_id`), whatever API the app calls.
 */
import { shopDomain, shopTime, type ShopifyContext } from './context.ts';
import type { Resource } from './store.ts';

export function render(ctx: ShopifyContext, r: Resource): Record<string, unknown> {
  const t = (ms: number | null) => (ms === null ? null : shopTime(ctx, ms));
  // The same gid the GraphQL Admin API gives the object.
  const gid = `gid://shopify/${r.kind === 'blog' ? 'Blog' : r.kind === 'page' ? 'Page' : r.kind === 'article' ? 'Article' : 'Product'}/${r.id}`;
  const f = r.fields;
  switch (r.kind) {
    case 'blog':
      return {
        id: r.id,
        handle: f['handle'],
        title: f['title'],
        updated_at: t(r.updatedAt),
        commentable: f['commentable'],
        feedburner: f['feedburner'],
        feedburner_location: f['feedburner_location'],
        created_at: t(r.createdAt),
        template_suffix: f['template_suffix'],
        tags: f['tags'],
        admin_graphql_api_id: gid,
      };
    case 'article':
      return {
        id: r.id,
        title: f['title'],
        created_at: t(r.createdAt),
        body_html: f['body_html'],
        blog_id: r.blogId,
        author: f['author'],
        user_id: f['user_id'],
        published_at: t(r.publishedAt),
        updated_at: t(r.updatedAt),
        summary_html: f['summary_html'],
        template_suffix: f['template_suffix'],
        handle: f['handle'],
        tags: f['tags'],
        admin_graphql_api_id: gid,
        ...(f['image'] ? { image: f['image'] } : {}),
      };
    case 'page':
      return {
        id: r.id,
        title: f['title'],
        shop_id: 548380009,
        handle: f['handle'],
        body_html: f['body_html'],
        author: f['author'],
        created_at: t(r.createdAt),
        updated_at: t(r.updatedAt),
        published_at: t(r.publishedAt),
        template_suffix: f['template_suffix'],
        admin_graphql_api_id: gid,
      };
    case 'product': {
      const variantId = r.id * 10 + 1;
      return {
        id: r.id,
        title: f['title'],
        body_html: f['body_html'],
        vendor: f['vendor'],
        product_type: f['product_type'],
        created_at: t(r.createdAt),
        handle: f['handle'],
        updated_at: t(r.updatedAt),
        published_at: t(r.publishedAt),
        template_suffix: f['template_suffix'],
        published_scope: f['published_scope'],
        tags: f['tags'],
        status: f['status'],
        admin_graphql_api_id: gid,
        variants: [
          {
            id: variantId,
            product_id: r.id,
            title: 'Default Title',
            price: f['price'],
            position: 1,
            inventory_policy: 'deny',
            compare_at_price: null,
            option1: 'Default Title',
            option2: null,
            option3: null,
            created_at: t(r.createdAt),
            updated_at: t(r.updatedAt),
            taxable: true,
            barcode: null,
            sku: '',
            inventory_management: null,
            admin_graphql_api_id: `gid://shopify/ProductVariant/${variantId}`,
          },
        ],
        options: [{ id: r.id * 10 + 2, product_id: r.id, name: 'Title', position: 1, values: ['Default Title'] }],
        images: [],
        image: null,
      };
    }
  }
}

export function shopObject(ctx: ShopifyContext): Record<string, unknown> {
  const c = ctx.config;
  const created = shopTime(ctx, Date.parse('2023-03-01T15:00:00Z'));
  return {
    id: 548380009,
    name: c.shop.replace(/[-_]/g, ' ').replace(/\b\w/g, (m) => m.toUpperCase()),
    email: `owner@${c.shop}.example`,
    domain: shopDomain(c),
    province: 'New York',
    country: 'US',
    address1: '1 Sandbox Way',
    zip: '10001',
    city: 'New York',
    source: null,
    phone: '',
    latitude: 40.75,
    longitude: -73.99,
    primary_locale: 'en',
    address2: '',
    created_at: created,
    updated_at: created,
    country_code: 'US',
    country_name: 'United States',
    currency: 'USD',
    customer_email: `owner@${c.shop}.example`,
    timezone: '(GMT-05:00) Eastern Time (US & Canada)',
    iana_timezone: 'America/New_York',
    shop_owner: 'Store Owner',
    money_format: '${{amount}}',
    money_with_currency_format: '${{amount}} USD',
    weight_unit: 'lb',
    province_code: 'NY',
    taxes_included: false,
    auto_configure_tax_inclusivity: null,
    tax_shipping: null,
    county_taxes: true,
    plan_display_name: 'Basic',
    plan_name: 'basic',
    has_discounts: false,
    has_gift_cards: false,
    myshopify_domain: shopDomain(c),
    google_apps_domain: null,
    google_apps_login_enabled: null,
    money_in_emails_format: '${{amount}}',
    money_with_currency_in_emails_format: '${{amount}} USD',
    eligible_for_payments: true,
    requires_extra_payments_agreement: false,
    password_enabled: false,
    has_storefront: true,
    finances: true,
    primary_location_id: 655441491,
    checkout_api_supported: true,
    multi_location_enabled: true,
    setup_required: false,
    pre_launch_enabled: false,
    enabled_presentment_currencies: ['USD'],
    marketing_sms_consent_enabled_at_checkout: false,
    transactional_sms_disabled: false,
  };
}
