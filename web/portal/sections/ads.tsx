import type { Section, SectionProps } from '../context.ts';
import { CampaignPage } from './ads/campaign-page.tsx';
import { EntitiesPage } from './ads/entities-page.tsx';
import { adsStrings } from './ads/strings.ts';
import './content/content.css';
import './conflicts/conflicts.css';
import './ads/ads.css';

/** Ads: accounts, campaigns, ad groups and ads with their status, and a campaign's report. */
function AdsPage(props: SectionProps) {
  const [sub, id] = props.path;
  if (sub === 'campaigns' && id) return <CampaignPage ctx={props.ctx} id={id} />;
  return <EntitiesPage {...props} />;
}

export const adsSection: Section = { id: 'ads', title: adsStrings.title, Page: AdsPage };
